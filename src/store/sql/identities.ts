import { parseDn } from '../../core/dn-syntax.js';
import {
  IDENTITY_FIELDS, WILDCARD_PROPERTIES, exactProperties, matchesIdentity, parseIdentity, type IdentityForms, type IdentityProperty,
} from '../../core/identity-forms.js';
import { fold, type MailboxField } from '../../core/mailbox.js';
import type { SqlRow, SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { likePattern } from './like-pattern.js';
import { Params } from './params.js';
import type { FoldedIndex } from './folded-index.js';
import { byId, projection, readId, rowId, type RowId } from './rows.js';

/** Identities per candidate query, and candidate ids per read of their rows. */
const BATCH = 5000;

/** What an identity's text is looked up in: a mailbox column, or the address table. */
type Lookup = Exclude<IdentityProperty, 'EmailAddresses'> | 'DistinguishedName' | 'EmailAddresses';

/**
 * The mailboxes identities name, as core/identity-forms.ts decides (Exchange's -Identity). The
 * server only narrows the candidates: folded equality (or LIKE, for a wildcard) on each column
 * the text may be, a batch of identities per statement; the shared matcher decides, so every
 * engine's collation gives the same answer. Rows are of `fields` (plus the matcher's), in id order.
 */
export async function resolveIdentityRows<F extends MailboxField>(
  session: SqlSession,
  layout: SqlLayout,
  identities: readonly string[],
  wildcards: boolean,
  fields: readonly F[],
  folded?: FoldedIndex,
): Promise<Map<string, SqlRow[]>> {
  const read = projection(layout, [...fields, ...IDENTITY_FIELDS]);
  const parsed = identities.flatMap((identity) => {
    const forms = parseIdentity(identity, wildcards);
    return forms === null ? [] : [{ identity, forms }];
  });
  const candidates = new Map<string, Set<RowId>>();
  for (let i = 0; i < parsed.length; i += BATCH) {
    const batch = parsed.slice(i, i + BATCH);
    for (const [index, ids] of await exactCandidates(session, layout, batch.map((b) => b.forms), folded)) {
      candidates.set((batch[index] as { identity: string }).identity, ids);
    }
  }
  for (const { identity, forms } of parsed) {
    if (forms.wildcard !== null) candidates.set(identity, await wildcardCandidates(session, layout, forms.wildcard));
  }
  const allIds = [...new Set([...candidates.values()].flatMap((ids) => [...ids]))].sort(byId);
  const rows = new Map<RowId, SqlRow>();
  for (let i = 0; i < allIds.length; i += BATCH) {
    const p = new Params(layout.dialect);
    const found = await session.query(`SELECT ${read.select} FROM ${layout.mailboxes} m WHERE ${p.in(layout.id, allIds.slice(i, i + BATCH) as number[] | string[], layout.idListParam)}`, p.values);
    await read.complete(session, found, folded);
    for (const row of found) rows.set(rowId(layout, row), row);
  }
  const result = new Map<string, SqlRow[]>();
  for (const { identity, forms } of parsed) {
    const ids = [...(candidates.get(identity) ?? [])].sort(byId);
    const named = ids.flatMap((id) => {
      const row = rows.get(id);
      return row !== undefined && matchesIdentity(read.toMailbox(row), forms) ? [row] : [];
    });
    if (named.length > 0) result.set(identity, named);
  }
  return result;
}

/** What each exact identity is looked up as: its text in every column it may equal, and the parts of its DN, canonical or DOMAIN\account form. */
function lookupsOf(forms: IdentityForms): [Lookup, string][] {
  const found: [Lookup, string][] = [...exactProperties(forms).map((property): [Lookup, string] => [property, forms.folded]), ['DistinguishedName', forms.folded]];
  // A mailbox's DN leads with its Name: a DN spelled otherwise than stored still finds it.
  const leaf = forms.distinguishedName === null ? undefined : parseDn(forms.text)?.[0]?.value;
  if (leaf !== undefined) found.push(['Name', fold(leaf)]);
  if (forms.canonical !== null) found.push(['Name', fold(forms.canonical.name)]);
  if (forms.domainAccount !== null) found.push(['SamAccountName', fold(forms.domainAccount.samAccountName)]);
  return found;
}

/** Candidate ids of each exact identity of a batch (by its index in the batch), from one statement. */
async function exactCandidates(session: SqlSession, layout: SqlLayout, batch: readonly IdentityForms[], folded?: FoldedIndex): Promise<Map<number, Set<RowId>>> {
  const byLookup = new Map<Lookup, { values: string[]; owners: number[]; seen: Set<string> }>();
  // Fields a schema keeps in one column (iRedMail's Name and PrimarySmtpAddress: username) are looked up once.
  const byColumn = new Map<string, Lookup>();
  const canonical = (lookup: Lookup): Lookup => {
    if (lookup === 'EmailAddresses') return lookup;
    const column = layout.text(lookup);
    const first = byColumn.get(column) ?? lookup;
    byColumn.set(column, first);
    return first;
  };
  batch.forEach((forms, index) => {
    if (forms.wildcard !== null) return;
    for (const [given, value] of lookupsOf(forms)) {
      // A field the schema has no column for can name no mailbox.
      if (given !== 'EmailAddresses' && !layout.holdsText(given)) continue;
      const lookup = canonical(given);
      const list = byLookup.get(lookup) ?? { values: [], owners: [], seen: new Set<string>() };
      const pair = `${index}\u0000${value}`;
      if (list.seen.has(pair)) continue;
      list.seen.add(pair);
      list.values.push(value);
      list.owners.push(index);
      byLookup.set(lookup, list);
    }
  });
  const result = new Map<number, Set<RowId>>();
  if (byLookup.size === 0) return result;
  const { dialect } = layout;
  const add = (owner: number, id: unknown): void => {
    const ids = result.get(owner) ?? new Set<RowId>();
    ids.add(readId(layout, id));
    result.set(owner, ids);
  };
  // Lookups no index of the admin's answers go to the folded index, when the store keeps one.
  if (folded !== undefined) {
    for (const [lookup, { values, owners }] of [...byLookup.entries()]) {
      if (indexedLookup(layout, lookup) !== null) continue;
      const found = await folded.lookup(session, lookup, values);
      found.forEach((ids, i) => ids.forEach((id) => add(owners[i] as number, id)));
      byLookup.delete(lookup);
    }
    if (byLookup.size === 0) return result;
  }
  const p = new Params(dialect);
  const lookups = [...byLookup.entries()];
  const branches = lookups.map(([lookup, { values }], n) => {
    const indexed = indexedLookup(layout, lookup);
    if (indexed !== null) {
      // k 0: the owners are those whose folded text equals the value found (v).
      return `SELECT ${n} AS c, 0 AS k, ${indexed.id} AS id, ${indexed.column} AS v FROM ${indexed.from} WHERE ${p.in(indexed.column, [...new Set(values)])}${indexed.where}`;
    }
    const table = p.numbered(values, 'j');
    if (lookup === 'EmailAddresses') {
      const { address, mailboxId } = layout.addressColumns;
      return `SELECT ${n} AS c, j.k AS k, e.${layout.q(mailboxId)} AS id, NULL AS v FROM ${table} JOIN ${layout.addresses} e ON ${dialect.fold(`e.${layout.q(address)}`)} = j.value`;
    }
    return `SELECT ${n} AS c, j.k AS k, ${layout.id} AS id, NULL AS v FROM ${table} JOIN ${layout.mailboxes} m ON ${dialect.fold(layout.text(lookup))} = j.value`;
  });
  for (const row of await session.query(branches.join(' UNION ALL '), p.values)) {
    const { values, owners } = (lookups[dialect.readInt(row.c)] as [Lookup, { values: string[]; owners: number[] }])[1];
    const k = dialect.readInt(row.k);
    if (k > 0) add(owners[k - 1] as number, row.id);
    else {
      const found = fold(String(row.v));
      values.forEach((value, i) => value === found && add(owners[i] as number, row.id));
    }
  }
  return result;
}

/**
 * A lookup the admin's own index answers: a column of a case-insensitive collation (MySQL's
 * `_ci`, SqlLayout.caseInsensitive) compared as it is, IN a list, finds every row its folded
 * value would and maybe more (the collation also ignores accents): a superset, which the shared
 * matcher narrows. Folding it instead (LOWER, no index) would scan the table once a value.
 */
function indexedLookup(layout: SqlLayout, lookup: Lookup): { id: string; column: string; from: string; where: string } | null {
  if (lookup === 'EmailAddresses') {
    const { table, mailboxId, address, only, holdsPrimary } = layout.schema.addresses;
    // A mapped schema's alias table: the primary address is the PrimarySmtpAddress lookup's.
    if (holdsPrimary || !layout.caseInsensitive(table, address)) return null;
    return { id: `a.${layout.q(mailboxId)}`, column: `a.${layout.q(address)}`, from: `${layout.q(table)} a`, where: only === null ? '' : ` AND a.${layout.q(only.column)} = ${Number(only.value)}` };
  }
  const column = layout.schema.mailboxes.text[lookup];
  if (column === null || !layout.caseInsensitive(layout.schema.mailboxes.table, column)) return null;
  return { id: layout.id, column: layout.m(column), from: `${layout.mailboxes} m`, where: '' };
}

/** LIKE over the names a wildcard looks in, both sides folded: exactly the shared matcher's answer, in one statement. */
async function wildcardCandidates(session: SqlSession, layout: SqlLayout, folded: string): Promise<Set<RowId>> {
  const { dialect } = layout;
  const p = new Params(dialect);
  const own = WILDCARD_PROPERTIES.flatMap((property) => (property === 'EmailAddresses' || !layout.holdsText(property) ? [] : [layout.text(property)]))
    .map((column) => dialect.like(dialect.fold(column), p.add(likePattern(folded), 'text')))
    .join(' OR ');
  const { address, mailboxId } = layout.addressColumns;
  const addresses = `SELECT e.${layout.q(mailboxId)} AS id FROM ${layout.addresses} e WHERE ${dialect.like(dialect.fold(`e.${layout.q(address)}`), p.add(likePattern(folded), 'text'))}`;
  const rows = await session.query(`SELECT ${layout.id} AS id FROM ${layout.mailboxes} m WHERE ${own} UNION ${addresses}`, p.values);
  return new Set(rows.map((row) => readId(layout, row.id)));
}
