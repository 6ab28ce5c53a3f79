import { chunks, forEachConcurrently } from '../../core/concurrency.js';
import {
  EXACT_PROPERTIES, IDENTITY_FIELDS, WILDCARD_PROPERTIES, exactProperties, matchesIdentity, parseIdentity, type IdentityFields, type IdentityForms, type IdentityProperty,
} from '../../core/identity-forms.js';
import { fold, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import { escapeValue } from './filter-to-ldap.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { mailboxProjection, searchAttributes, type MailboxProjection } from './mailbox-projection.js';
import type { DirectoryLayout } from './layout.js';
import type { LdapMapping } from './mapping.js';
import { and } from './mailbox-search.js';
import type { OrganizationalUnits } from './organizational-units.js';

/** The attributes of each identity property in the mapping (Name is the DN's leaf); none for a property the directory lacks. */
function attributesOf(mapping: LdapMapping, property: IdentityProperty): string[] {
  if (property === 'Guid') return [mapping.guid];
  if (property === 'EmailAddresses') return [...mapping.emailAddresses];
  const attribute = mapping.attributes[property];
  return attribute === null ? [] : [attribute];
}
/**
 * Identities per search: their equality tests go out as one OR (an address is three tests on
 * indexed attributes). slapd tests every candidate against the whole OR, so a search costs it
 * about the square of its size: 20,000 addresses took slapd 2.4 s of CPU in batches of 200, 1.0 s in 50.
 */
const IDENTITIES_PER_SEARCH = 50;
/**
 * Searches in flight while resolving a long identity file: each paged search has a connection of
 * its own (connection.ts), and a 20,000-line file resolved one search at a time is mostly round trips.
 */
const SEARCHES_IN_FLIGHT = 4;

/**
 * Resolves identities as core/identity-forms.ts decides (Exchange's -Identity, the same on every
 * store). The server is asked for a superset (its matching ignores extra spaces, and non-ASCII
 * text is sent as wildcards, see looseTest) and matchesIdentity decides on every candidate.
 * Every value sent is escaped.
 */
export class IdentityResolver {
  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
    private readonly units: OrganizationalUnits,
  ) {
    this.candidates = mailboxProjection(layout, IDENTITY_FIELDS);
  }

  /** What matchesIdentity reads of every candidate, whatever the caller asks for. */
  private readonly candidates: MailboxProjection<(typeof IDENTITY_FIELDS)[number]>;

  private attributes(property: IdentityProperty): string[] {
    return attributesOf(this.layout.mapping, property);
  }

  /** Each identity's mailboxes, with `fields` only: the server is asked for their attributes and the identity properties'. */
  async resolve<F extends MailboxField>(identities: readonly string[], wildcards: boolean, fields: readonly F[]): Promise<Map<string, Pick<Mailbox, F>[]>> {
    const read = mailboxProjection(this.layout, fields);
    const found = new Found(this.candidates, read);
    const result = found.byIdentity;
    const exact: { identity: string; forms: IdentityForms }[] = [];
    for (const identity of identities) {
      if (result.has(identity)) continue;
      result.set(identity, new Map());
      const forms = parseIdentity(identity, wildcards);
      if (forms === null) continue;
      if (forms.wildcard !== null) {
        await this.collect(this.layout.mailboxBaseDn, 'sub', wildcardFilter(forms.text, (p) => this.attributes(p)), identity, forms, found);
        continue;
      }
      exact.push({ identity, forms });
      await this.special(identity, forms, found);
    }
    // Each identity is in one batch, so the order its mailboxes are found in does not depend on the
    // order the batches finish in.
    await forEachConcurrently(chunks(exact, IDENTITIES_PER_SEARCH), SEARCHES_IN_FLIGHT, (batch) => this.exactBatch(batch, found));
    return new Map([...result].map(([identity, mailboxes]) => [identity, [...mailboxes.values()]]));
  }

  /**
   * One OR of the batch's equality tests. A candidate is checked only against the identities that
   * can name it: one of its exact values or its DN folds to the identity's text (matchesIdentity's
   * only test for an identity of no DN, canonical or DOMAIN\account form); identities of those
   * forms are checked against every candidate too (special() has searched for them already; this keeps
   * the result the same as checking every identity). A batch of 200 is then 200 checks, not 40,000.
   */
  private async exactBatch<F extends MailboxField>(batch: readonly { identity: string; forms: IdentityForms }[], found: Found<F>): Promise<void> {
    const byText = new Map<string, { identity: string; forms: IdentityForms }[]>();
    const everywhere: { identity: string; forms: IdentityForms }[] = [];
    for (const entry of batch) {
      const { forms } = entry;
      if (forms.distinguishedName !== null || forms.canonical !== null || forms.domainAccount !== null) everywhere.push(entry);
      else byText.set(forms.folded, [...(byText.get(forms.folded) ?? []), entry]);
    }
    const tests = batch.flatMap(({ forms }) => exactProperties(forms).flatMap((p) => this.attributes(p).map((a) => looseTest(a, forms.text))));
    const request = {
      base: this.layout.mailboxBaseDn,
      scope: 'sub' as const,
      filter: and([this.layout.mapping.mailboxes.filter, `(|${tests.join('')})`]),
      attributes: found.attributes,
      missingBaseIsEmpty: true,
    };
    for await (const page of this.connection.search(request)) {
      for (const entry of page) {
        const mailbox = this.candidates.toMailbox(entry);
        const named = new Set(everywhere);
        for (const value of [mailbox.DistinguishedName, ...EXACT_PROPERTIES.flatMap((property) => mailbox[property])]) {
          for (const candidate of byText.get(fold(value)) ?? []) named.add(candidate);
        }
        for (const { identity, forms } of named) {
          if (matchesIdentity(mailbox, forms)) found.add(identity, entry);
        }
      }
    }
  }

  /** The DN, canonical-name and DOMAIN\SamAccountName forms: each has a narrower search of its own. */
  private async special<F extends MailboxField>(identity: string, forms: IdentityForms, found: Found<F>): Promise<void> {
    if (forms.distinguishedName !== null && this.layout.canonicalOf(forms.text) !== null) {
      await this.collect(forms.text, 'base', this.layout.mapping.mailboxes.filter, identity, forms, found);
    }
    if (forms.canonical !== null) {
      const ouDn = await this.units.dnOf(forms.canonical.ou);
      // A profile's mailboxes may lie deeper than the OU entry (iRedMail: ou=Users below the domain).
      const scope = this.layout.mapping.ownsEntries ? 'one' : 'sub';
      if (ouDn !== null) for (const a of this.attributes('Name')) await this.collect(ouDn, scope, looseTest(a, forms.canonical.name), identity, forms, found);
    }
    if (forms.domainAccount !== null) {
      for (const a of this.attributes('SamAccountName')) await this.collect(this.layout.mailboxBaseDn, 'sub', looseTest(a, forms.domainAccount.samAccountName), identity, forms, found);
    }
  }

  /** Runs one search and files each mailbox the identity names under it. */
  private async collect<F extends MailboxField>(base: string, scope: 'base' | 'one' | 'sub', filter: string, identity: string, forms: IdentityForms, found: Found<F>): Promise<void> {
    const request = { base, scope, filter: and([this.layout.mapping.mailboxes.filter, filter]), attributes: found.attributes, missingBaseIsEmpty: true };
    for await (const page of this.connection.search(request)) {
      for (const entry of page) {
        if (matchesIdentity(this.candidates.toMailbox(entry), forms)) found.add(identity, entry);
      }
    }
  }
}

/** The mailboxes found so far, per identity and DN, as the caller's fields; a search asks for those and the identity properties' attributes. */
class Found<F extends MailboxField> {
  readonly byIdentity = new Map<string, Map<string, Pick<Mailbox, F>>>();
  readonly attributes: readonly string[];

  constructor(
    candidates: MailboxProjection<keyof IdentityFields>,
    private readonly read: MailboxProjection<F>,
  ) {
    this.attributes = searchAttributes(candidates, read);
  }

  add(identity: string, entry: LdapEntry): void {
    this.byIdentity.get(identity)?.set(entry.dn, this.read.toMailbox(entry));
  }
}

/**
 * An equality test the server answers with a superset of fold()-equality: ASCII text as it is
 * (the server's case-insensitive match is the same, and looser about spaces); text with other
 * characters as a substring test with `*` in their place, since the server's Unicode folding
 * need not agree with fold(). The caller re-checks every candidate.
 */
export function looseTest(attribute: string, text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${attribute}=${escapeValue(text)})`;
  return substringTest(attribute, text.replace(/[^\x21-\x7e]/gu, '*'));
}

/** A wildcard identity on every wildcard attribute; spaces and non-ASCII become `*` too (re-checked). */
function wildcardFilter(pattern: string, attributes: (property: IdentityProperty) => string[]): string {
  const loose = pattern.replace(/[^\x21-\x7e]/gu, '*');
  return `(|${WILDCARD_PROPERTIES.flatMap((property) => attributes(property).map((a) => substringTest(a, loose))).join('')})`;
}

/** `a*b*c` as an RFC 4515 substring test; runs of `*` collapse; all stars is a presence test. */
function substringTest(attribute: string, pattern: string): string {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return `(${attribute}=${escapeValue(pattern)})`;
  const initial = pieces[0] as string;
  const final = pieces[pieces.length - 1] as string;
  const any = pieces.slice(1, -1).filter((piece) => piece !== '');
  if (initial === '' && final === '' && any.length === 0) return `(${attribute}=*)`;
  return `(${attribute}=${[initial, ...any, final].map(escapeValue).join('*')})`;
}
