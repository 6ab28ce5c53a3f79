import type { DirectoryStore, MailboxQuery } from '../store/directory-store.js';
import type { FilterAst } from '../filter/ast.js';
import { evaluateFilter } from '../filter/evaluate.js';
import { UsageError } from './errors.js';
import { ambiguousMessage, notFoundMessage } from './identity-errors.js';
import { fold, type Mailbox } from './mailbox.js';

/** One identity as the admin gave it, and where: an argument, or a line of a file. */
export interface NamedIdentity {
  identity: string;
  /** `argument`, or `Accounts.txt:3` */
  source: string;
}

export interface Selection {
  /** Identities from arguments, `--identity`, `--file` or stdin; undefined: no identity was given. */
  identities?: AsyncIterable<NamedIdentity>;
  organizationalUnit?: string;
  filter?: FilterAst;
  resultSize?: number;
  /** Get commands accept `*` in identities. */
  wildcards: boolean;
}

export interface SelectionProblem {
  kind: 'notFound' | 'ambiguous' | 'duplicate';
  identity: NamedIdentity;
  message: string;
}

export interface SelectedMailbox {
  mailbox: Mailbox;
  /** How the admin named it: undefined when an OU or a filter swept it in. */
  namedAs?: NamedIdentity;
}

/** Resolves identities this many at a time: big files stream, with flat memory. */
const BATCH = 2000;

/**
 * The mailboxes a command acts on. Identities, the OU and the filter combine as an intersection,
 * as Exchange combines -Identity, -OrganizationalUnit and -Filter. An identity that names
 * nothing, or several mailboxes, is reported and skipped; the rest proceed.
 */
export async function* selectMailboxes(
  store: DirectoryStore,
  selection: Selection,
  report: (problem: SelectionProblem) => void,
): AsyncGenerator<SelectedMailbox> {
  const ou = selection.organizationalUnit === undefined ? undefined : await resolveOrganizationalUnit(store, selection.organizationalUnit);
  const limit = selection.resultSize ?? Number.POSITIVE_INFINITY;
  if (selection.identities === undefined) {
    const query: MailboxQuery = {
      ...(ou === undefined ? {} : { organizationalUnit: ou }),
      ...(selection.filter === undefined ? {} : { filter: selection.filter }),
      ...(Number.isFinite(limit) ? { limit } : {}),
    };
    for await (const mailbox of store.findMailboxes(query)) yield { mailbox };
    return;
  }
  const inScope = (mailbox: Mailbox): boolean =>
    (ou === undefined || isWithin(mailbox.OrganizationalUnit, ou)) &&
    (selection.filter === undefined || evaluateFilter(selection.filter, mailbox));
  const seenMailboxes = new Set<string>();
  const seenIdentities = new Map<string, NamedIdentity>();
  let yielded = 0;
  let batch: NamedIdentity[] = [];
  const flush = async function* (this: void): AsyncGenerator<SelectedMailbox> {
    const resolved = await store.resolveIdentities(batch.map((b) => b.identity), { wildcards: selection.wildcards });
    for (const named of batch) {
      const matches = resolved.get(named.identity) ?? [];
      const isWildcard = selection.wildcards && named.identity.includes('*');
      if (matches.length === 0) {
        report({ kind: 'notFound', identity: named, message: notFoundMessage(named.identity, store.url) });
        continue;
      }
      if (matches.length > 1 && !isWildcard) {
        report({ kind: 'ambiguous', identity: named, message: ambiguousMessage(named.identity, matches) });
        continue;
      }
      for (const mailbox of matches) {
        if (yielded >= limit) return;
        if (seenMailboxes.has(mailbox.Guid) || !inScope(mailbox)) continue;
        seenMailboxes.add(mailbox.Guid);
        yielded++;
        yield { mailbox, namedAs: named };
      }
    }
  };
  for await (const named of selection.identities) {
    const key = fold(named.identity.trim());
    const earlier = seenIdentities.get(key);
    if (earlier !== undefined) {
      report({ kind: 'duplicate', identity: named, message: `'${named.identity}' (${named.source}) repeats ${earlier.source}; it is used once.` });
      continue;
    }
    seenIdentities.set(key, named);
    batch.push(named);
    if (batch.length >= BATCH) {
      yield* flush();
      batch = [];
      if (yielded >= limit) return;
    }
  }
  if (batch.length > 0) yield* flush();
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
  if (candidates.length === 0) {
    throw new UsageError(`The organizational unit '${text}' couldn't be found on '${store.url}'.`);
  }
  const list = candidates.map((ou) => `    ${ou.CanonicalName}  Guid ${ou.Guid}`).join('\n');
  throw new UsageError(
    `The organizational unit '${text}' matches multiple entries:\n${list}\n  Name it by its canonical name, DN or Guid.`,
  );
}
