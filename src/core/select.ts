import type { DirectoryStore, MailboxQuery } from '../store/directory-store.js';
import type { FilterAst } from '../filter/index.js';
import { printable } from './printable.js';
import { UsageError } from './errors.js';
import { ambiguousMessage, notFoundMessage, organizationalUnitNotFoundMessage } from './identity-errors.js';
import { closestOrganizationalUnits } from './organizational-units.js';
import { MissSuggestions } from './identity-suggestions.js';
import { splitFilter } from './filter-split.js';
import { lastLogonsOf } from './join-last-logons.js';
import type { LastLogonSource, MailboxLastLogons } from './last-logons.js';
import { fold, MAILBOX_FIELDS, type Mailbox, type MailboxField } from './mailbox.js';
import { filterFields, mailboxMatches } from './properties.js';

/** One identity as the admin gave it, and where: an argument, or a line of a file. */
export interface NamedIdentity {
  identity: string;
  /** `argument`, or `Accounts.txt:3` */
  source: string;
}

export interface Selection {
  /** Identities from arguments, `--identity`, `--file` or stdin, in batches; undefined: no identity was given. */
  identities?: AsyncIterable<readonly NamedIdentity[]>;
  organizationalUnit?: string;
  filter?: FilterAst;
  resultSize?: number;
  /** Get commands accept `*` in identities. */
  wildcards: boolean;
  /** How messages quote an identity; an audit shows only a short, escaped prefix of lines from files its policy names. */
  showIdentity?: (identity: string) => string;
  /**
   * The recorded logins: joined to every batch (one query each), so a filter may name them and
   * each selected mailbox carries its `logons`. Required for a filter that names them.
   */
  lastLogons?: LastLogonSource;
}

export interface SelectionProblem {
  kind: 'notFound' | 'ambiguous' | 'duplicate';
  identity: NamedIdentity;
  message: string;
}

export interface SelectedMailbox<M = Mailbox> {
  mailbox: M;
  /** How the admin named it: undefined when an OU or a filter swept it in. */
  namedAs?: NamedIdentity;
  /** Its recorded logins ({} when none): present when the selection had a LastLogonSource. */
  logons?: MailboxLastLogons;
}

/** What selecting by identity reads of each mailbox besides what the caller asks for: scope and messages. */
const SELECTION_FIELDS = ['Guid', 'Name', 'PrimarySmtpAddress', 'OrganizationalUnit'] as const satisfies readonly MailboxField[];
type SelectionField = (typeof SELECTION_FIELDS)[number];

/** Resolves identities this many at a time: big files stream, with flat memory. */
const BATCH = 2000;

/**
 * The mailboxes a command acts on. Identities, the OU and the filter combine as an intersection,
 * as Exchange combines -Identity, -OrganizationalUnit and -Filter. An identity that names
 * nothing, or several mailboxes, is reported and skipped; the rest proceed.
 *
 * `fields`: what the caller reads of each mailbox (the store may read only those); all by default.
 */
export async function* selectMailboxes<F extends MailboxField = MailboxField>(
  store: DirectoryStore,
  selection: Selection,
  report: (problem: SelectionProblem) => void,
  fields?: readonly F[],
): AsyncGenerator<SelectedMailbox<Pick<Mailbox, F>>> {
  for await (const batch of selectMailboxBatches(store, selection, report, fields)) yield* batch;
}

/**
 * selectMailboxes a batch at a time: what bulk commands use, as a million mailboxes one await
 * each cost seconds. Batches are never empty.
 */
export async function* selectMailboxBatches<F extends MailboxField = MailboxField>(
  store: DirectoryStore,
  selection: Selection,
  report: (problem: SelectionProblem) => void,
  fields?: readonly F[],
): AsyncGenerator<SelectedMailbox<Pick<Mailbox, F>>[]> {
  const ou = selection.organizationalUnit === undefined ? undefined : await resolveOrganizationalUnit(store, selection.organizationalUnit);
  const limit = selection.resultSize ?? Number.POSITIVE_INFINITY;
  const source = selection.lastLogons;
  const { store: pushed, joined } = splitFilter(selection.filter);
  if (joined !== undefined && source === undefined) throw new Error('A filter names recorded logins, but the selection was given none to read them from.');
  if (selection.identities === undefined) {
    const query: MailboxQuery = {
      ...(ou === undefined ? {} : { organizationalUnit: ou }),
      ...(pushed === undefined ? {} : { filter: pushed }),
      // What the store returns is filtered further here: a limit there would cut off matches.
      ...(Number.isFinite(limit) && joined === undefined ? { limit } : {}),
    };
    const read = fields ?? (MAILBOX_FIELDS as F[]);
    if (source === undefined) {
      for await (const page of store.findMailboxes(query, read)) yield page.map((mailbox) => ({ mailbox }));
    } else {
      yield* joinedPages(store.findMailboxes(query, withJoinFields(read, joined)), source, joined, limit);
    }
    return;
  }
  // A filter is evaluated here, on whatever fields it names: those need every field.
  const read: readonly (F | SelectionField)[] =
    fields === undefined || selection.filter !== undefined ? (MAILBOX_FIELDS as F[]) : [...SELECTION_FIELDS, ...fields];
  const filter = selection.filter;
  const inScope = (mailbox: Pick<Mailbox, F | SelectionField>, logons: MailboxLastLogons | undefined): boolean =>
    (ou === undefined || isWithin(mailbox.OrganizationalUnit, ou)) &&
    (filter === undefined || mailboxMatches(filter, mailbox as Mailbox, logons));
  // Which identity first named each mailbox: a mailbox named again (twice the same line, or by
  // its address and then its alias) is used once. Keyed by mailbox, not by identity text, as one
  // map of a million entries costs a second.
  const namedBy = new Map<string, NamedIdentity>();
  const show = selection.showIdentity ?? ((identity: string) => identity);
  let selected = 0;
  const suggestions = new MissSuggestions(store);
  const resolveBatch = async (batch: readonly NamedIdentity[]): Promise<SelectedMailbox<Pick<Mailbox, F>>[]> => {
    const resolved = await store.resolveIdentities(batch.map((b) => b.identity), { wildcards: selection.wildcards, fields: read });
    const logonsOf = source === undefined ? undefined : await joinedLogons(source, [...resolved.values()].flat());
    const isWildcard = (identity: string): boolean => selection.wildcards && identity.includes('*');
    const misses = batch.filter((named) => !isWildcard(named.identity) && (resolved.get(named.identity) ?? []).length === 0);
    const { closest, firstUnsuggested } = await suggestions.closest(misses.map((named) => named.identity));
    const result: SelectedMailbox<Pick<Mailbox, F>>[] = [];
    for (const named of batch) {
      const found = resolved.get(named.identity) ?? [];
      const matches = found.length > 1 ? [...found].sort(byName) : found;
      if (matches.length === 0) {
        const message = notFoundMessage(show(named.identity), store.url, closest.get(named.identity));
        const note = named.identity === firstUnsuggested ? ` (Closest names are shown for the first ${MissSuggestions.SUGGESTED} identities not found only.)` : '';
        report({ kind: 'notFound', identity: named, message: `${message}${note}` });
        continue;
      }
      if (matches.length > 1 && !isWildcard(named.identity)) {
        report({ kind: 'ambiguous', identity: named, message: ambiguousMessage(show(named.identity), matches) });
        continue;
      }
      for (const mailbox of matches) {
        if (selected >= limit) return result;
        const earlier = namedBy.get(mailbox.Guid);
        if (earlier !== undefined) {
          if (!isWildcard(named.identity)) report({ kind: 'duplicate', identity: named, message: duplicateMessage(named, earlier, show) });
          continue;
        }
        const logons = logonsOf?.(mailbox);
        if (!inScope(mailbox, logons)) continue;
        namedBy.set(mailbox.Guid, named);
        selected++;
        result.push({ mailbox, namedAs: named, ...(logons === undefined ? {} : { logons }) });
      }
    }
    return result;
  };
  let batch: NamedIdentity[] = [];
  for await (const lines of selection.identities) {
    for (const named of lines) batch.push(named);
    if (batch.length >= BATCH) {
      const resolved = await resolveBatch(batch);
      if (resolved.length > 0) yield resolved;
      batch = [];
      if (selected >= limit) return;
    }
  }
  if (batch.length > 0) {
    const resolved = await resolveBatch(batch);
    if (resolved.length > 0) yield resolved;
  }
}

/** What joining reads of a mailbox besides `fields`: its address, and whatever the joined part of the filter names. */
function withJoinFields<F extends MailboxField>(fields: readonly F[], joined: FilterAst | undefined): F[] {
  return [...new Set([...fields, 'PrimarySmtpAddress', ...(joined === undefined ? [] : filterFields(joined))] as F[])];
}

/** The store's pages with each page's logins joined (one query a page), filtered by the joined part, up to `limit`. */
async function* joinedPages<M>(
  pages: AsyncIterable<readonly M[]>,
  source: LastLogonSource,
  joined: FilterAst | undefined,
  limit: number,
): AsyncGenerator<SelectedMailbox<M>[]> {
  let count = 0;
  for await (const page of pages) {
    const logons = await lastLogonsOf(source, page as readonly Pick<Mailbox, 'PrimarySmtpAddress'>[]);
    const result: SelectedMailbox<M>[] = [];
    for (const [i, mailbox] of page.entries()) {
      const own = logons[i] ?? {};
      if (joined !== undefined && !mailboxMatches(joined, mailbox as unknown as Mailbox, own)) continue;
      result.push({ mailbox, logons: own });
      if (++count >= limit) break;
    }
    if (result.length > 0) yield result;
    if (count >= limit) return;
  }
}

/** One query for every mailbox a batch of identities resolved to; then each mailbox's logins by its address. */
async function joinedLogons(source: LastLogonSource, mailboxes: readonly Pick<Mailbox, 'PrimarySmtpAddress'>[]): Promise<(mailbox: Pick<Mailbox, 'PrimarySmtpAddress'>) => MailboxLastLogons> {
  const logons = await lastLogonsOf(source, mailboxes);
  const byAddress = new Map(mailboxes.map((mailbox, i) => [mailbox.PrimarySmtpAddress, logons[i] ?? {}]));
  return (mailbox) => byAddress.get(mailbox.PrimarySmtpAddress) ?? {};
}

function duplicateMessage(named: NamedIdentity, earlier: NamedIdentity, show: (identity: string) => string): string {
  const same = fold(named.identity.trim()) === fold(earlier.identity.trim());
  return same
    ? `'${show(named.identity)}' (${named.source}) repeats ${earlier.source}; it is used once.`
    : `'${show(named.identity)}' (${named.source}) names the same mailbox as '${show(earlier.identity)}' (${earlier.source}); it is used once.`;
}

function byName(a: Pick<Mailbox, SelectionField>, b: Pick<Mailbox, SelectionField>): number {
  const x = fold(a.Name);
  const y = fold(b.Name);
  if (x !== y) return x < y ? -1 : 1;
  return a.Guid < b.Guid ? -1 : a.Guid > b.Guid ? 1 : 0;
}

/** Whether a mailbox in OU `mailboxOu` is in `ou` or below it. */
export function isWithin(mailboxOu: string, ou: string): boolean {
  const a = fold(mailboxOu);
  const b = fold(ou);
  return a === b || a.startsWith(`${b}/`);
}

/** The one OU the text names; unknown or ambiguous is an error that names the candidates. */
export async function resolveOrganizationalUnit(store: DirectoryStore, text: string): Promise<string> {
  const candidates = await store.findOrganizationalUnits(text);
  const [only] = candidates;
  if (only !== undefined && candidates.length === 1) return only.CanonicalName;
  if (candidates.length === 0) throw new UsageError(await unknownOrganizationalUnitMessage(store, text));
  const list = candidates.map((ou) => `    ${printable(ou.CanonicalName)}  Guid ${ou.Guid}`).join('\n');
  throw new UsageError(
    `The organizational unit '${printable(text)}' matches multiple entries:\n${list}\n  Name it by its canonical name, DN or Guid.`,
  );
}

/** The error for an OU that names nothing, with the closest OUs: an error path, so reading every OU (a directory has few) is fine. */
export async function unknownOrganizationalUnitMessage(store: DirectoryStore, text: string): Promise<string> {
  return organizationalUnitNotFoundMessage(text, store.url, closestOrganizationalUnits(await store.findOrganizationalUnits(undefined), text));
}
