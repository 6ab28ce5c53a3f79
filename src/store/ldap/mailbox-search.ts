import { fold, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import { filterFields, mailboxMatches } from '../../core/properties.js';
import { escapeValue } from './filter-to-ldap.js';
import type { MailboxQuery } from '../directory-store.js';
import { chunks, forEachConcurrently } from '../../core/concurrency.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { mailboxProjection, searchAttributes } from './mailbox-projection.js';
import type { DirectoryLayout } from './layout.js';
import type { OrganizationalUnits } from './organizational-units.js';
import { propertyAttributes, type PropertyAttribute } from './property-attributes.js';
import { pushdownFilter } from './pushdown.js';

/** Guids per search: an OR of this many equality tests stays a small request on an indexed attribute. */
const GUIDS_PER_SEARCH = 100;
/** Guid searches in flight (each paged search has a connection of its own, connection.ts). */
const SEARCHES_IN_FLIGHT = 4;

/** `(|(casGuid=a)(casGuid=b)...)` with every value escaped. */
export function anyOf(attribute: string, values: readonly string[]): string {
  const tests = values.map((value) => `(${attribute}=${escapeValue(value)})`);
  return tests.length === 1 ? (tests[0] as string) : `(|${tests.join('')})`;
}

/**
 * Mailbox reads: an OU is a subtree search from its DN, Guids an OR of equality tests, a filter is
 * pushed down as a superset (pushdown.ts) and re-checked here with mailboxMatches, the reference
 * semantics. Every search is paged. Results come in the server's order: OpenLDAP sorts only with
 * the optional sssvlv overlay, and sorting here would mean holding the whole result in memory.
 */
export class MailboxSearch {
  /** Where the mapping holds each filterable property. */
  private readonly properties: ReadonlyMap<string, PropertyAttribute>;
  private readonly classFilter: string;
  /** The mapping's Guid attribute. */
  readonly guid: string;

  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
    private readonly units: OrganizationalUnits,
  ) {
    this.properties = propertyAttributes(layout.mapping);
    this.classFilter = layout.mapping.mailboxes.filter;
    this.guid = layout.mapping.guid;
  }

  /**
   * Mailboxes a page of the server's paged search at a time (never an empty page), each with
   * `fields` only: the server is asked for their attributes and those a filter re-checks.
   */
  async *find<F extends MailboxField>(query: MailboxQuery, fields: readonly F[]): AsyncGenerator<Pick<Mailbox, F>[]> {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return;
    const base = query.organizationalUnit === undefined ? this.layout.mailboxBaseDn : await this.units.dnOf(query.organizationalUnit);
    if (base === null) return;
    const parts = [this.classFilter];
    if (query.filter !== undefined) parts.push(pushdownFilter(query.filter, this.properties));
    const read = mailboxProjection(this.layout, fields);
    // Re-checked on the fields the filter reads, which the caller need not have asked for.
    const check = query.filter === undefined ? null : { filter: query.filter, read: mailboxProjection(this.layout, filterFields(query.filter)) };
    const accept = (entry: LdapEntry): boolean => check === null || mailboxMatches(check.filter, check.read.toMailbox(entry) as Mailbox);
    const attributes = check === null ? searchAttributes(read) : searchAttributes(read, check.read);
    const filters =
      query.guids === undefined
        ? [and(parts)]
        : chunks(distinctFolded(query.guids), GUIDS_PER_SEARCH).map((batch) => and([...parts, anyOf(this.guid, batch)]));
    let yielded = 0;
    for (const filter of filters) {
      for await (const page of this.connection.search({ base, scope: 'sub', filter, attributes, missingBaseIsEmpty: true })) {
        const mailboxes: Pick<Mailbox, F>[] = [];
        for (const entry of page) {
          if (!accept(entry)) continue;
          mailboxes.push(read.toMailbox(entry));
          if (++yielded >= limit) break;
        }
        if (mailboxes.length > 0) yield mailboxes;
        if (yielded >= limit) return;
      }
    }
  }

  async count(query: MailboxQuery): Promise<number> {
    let count = 0;
    for await (const page of this.find(query, [])) count += page.length;
    return count;
  }

  /** Raw mailbox entries a raw LDAP filter selects, a page at a time: the bulk writes that are no query of the model. */
  async *entriesMatching(filter: string, attributes: readonly string[]): AsyncGenerator<readonly LdapEntry[]> {
    for await (const page of this.connection.search({ base: this.layout.mailboxBaseDn, scope: 'sub', filter: and([this.classFilter, filter]), attributes })) {
      if (page.length > 0) yield page;
    }
  }

  /** The Guids of the mailboxes a raw LDAP filter selects. */
  async guidsMatching(filter: string): Promise<string[]> {
    const guids: string[] = [];
    for await (const page of this.entriesMatching(filter, [this.guid])) for (const entry of page) guids.push(entry.first(this.guid) ?? '');
    return guids.filter((guid) => guid !== '');
  }

  /** Raw entries by Guid (for writes: the DN and the stored values), keyed by folded Guid; `progress` hears "Reading directory". */
  async entriesByGuid(guids: readonly string[], attributes: readonly string[], progress?: ProgressSink): Promise<Map<string, LdapEntry>> {
    const found = new Map<string, LdapEntry>();
    const distinct = distinctFolded(guids);
    progress?.phase('Reading directory', 'mailboxes', distinct.length);
    // Keyed by Guid, so the batches may finish in any order: a bulk write's Guids are read a few searches at a time.
    await forEachConcurrently(chunks(distinct, GUIDS_PER_SEARCH), SEARCHES_IN_FLIGHT, async (batch) => {
      const filter = and([this.classFilter, anyOf(this.guid, batch)]);
      for await (const page of this.connection.search({ base: this.layout.mailboxBaseDn, scope: 'sub', filter, attributes: [this.guid, ...attributes] })) {
        for (const entry of page) found.set(fold(entry.first(this.guid) ?? ''), entry);
      }
      progress?.tick(batch.length);
    });
    return found;
  }
}

export function and(filters: readonly string[]): string {
  return filters.length === 1 ? (filters[0] as string) : `(&${filters.join('')})`;
}

function distinctFolded(values: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) if (!seen.has(fold(value))) seen.set(fold(value), value);
  return [...seen.values()];
}
