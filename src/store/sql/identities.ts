import { parseDn } from '../../core/dn-syntax.js';
import {
  IDENTITY_FIELDS, WILDCARD_PROPERTIES, exactProperties, matchesIdentity, parseIdentity, type IdentityForms, type IdentityProperty,
} from '../../core/identity-forms.js';
import { fold, type MailboxField } from '../../core/mailbox.js';
import type { SqlRow, SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { likePattern } from './like-pattern.js';
import { Params } from './params.js';
import { projection, rowId } from './rows.js';

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
): Promise<Map<string, SqlRow[]>> {
  const read = projection(layout, [...fields, ...IDENTITY_FIELDS]);
  const parsed = identities.flatMap((identity) => {
    const forms = parseIdentity(identity, wildcards);
    return forms === null ? [] : [{ identity, forms }];
  });
  const candidates = new Map<string, Set<number>>();
  for (let i = 0; i < parsed.length; i += BATCH) {
    const batch = parsed.slice(i, i + BATCH);
    for (const [index, ids] of await exactCandidates(session, layout, batch.map((b) => b.forms))) {
      candidates.set((batch[index] as { identity: string }).identity, ids);
    }
  }
  for (const { identity, forms } of parsed) {
    if (forms.wildcard !== null) candidates.set(identity, await wildcardCandidates(session, layout, forms.wildcard));
  }
  const allIds = [...new Set([...candidates.values()].flatMap((ids) => [...ids]))].sort((a, b) => a - b);
  const rows = new Map<number, SqlRow>();
  for (let i = 0; i < allIds.length; i += BATCH) {
    const p = new Params(layout.dialect);
    const found = await session.query(`SELECT ${read.select} FROM ${layout.mailboxes} m WHERE ${p.in(layout.id, allIds.slice(i, i + BATCH), 'intList')}`, p.values);
    for (const row of found) rows.set(rowId(layout, row), row);
  }
  const result = new Map<string, SqlRow[]>();
  for (const { identity, forms } of parsed) {
    const ids = [...(candidates.get(identity) ?? [])].sort((a, b) => a - b);
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
async function exactCandidates(session: SqlSession, layout: SqlLayout, batch: readonly IdentityForms[]): Promise<Map<number, Set<number>>> {
  const byLookup = new Map<Lookup, { values: string[]; owners: number[] }>();
  batch.forEach((forms, index) => {
    if (forms.wildcard !== null) return;
    for (const [lookup, value] of lookupsOf(forms)) {
      const list = byLookup.get(lookup) ?? { values: [], owners: [] };
      list.values.push(value);
      list.owners.push(index);
      byLookup.set(lookup, list);
    }
  });
  const result = new Map<number, Set<number>>();
  if (byLookup.size === 0) return result;
  const { dialect, schema } = layout;
  const p = new Params(dialect);
  const lookups = [...byLookup.entries()];
  const branches = lookups.map(([lookup, { values }], n) => {
    const table = p.numbered(values, 'j');
    if (lookup === 'EmailAddresses') {
      const { address, mailboxId } = schema.addresses;
      return `SELECT ${n} AS c, j.k AS k, e.${layout.q(mailboxId)} AS id FROM ${table} JOIN ${layout.addresses} e ON ${dialect.fold(`e.${layout.q(address)}`)} = j.value`;
    }
    return `SELECT ${n} AS c, j.k AS k, ${layout.id} AS id FROM ${table} JOIN ${layout.mailboxes} m ON ${dialect.fold(layout.m(schema.mailboxes.text[lookup]))} = j.value`;
  });
  for (const row of await session.query(branches.join(' UNION ALL '), p.values)) {
    const owners = (lookups[dialect.readInt(row.c)] as [Lookup, { owners: number[] }])[1].owners;
    const owner = owners[dialect.readInt(row.k) - 1] as number;
    const ids = result.get(owner) ?? new Set<number>();
    ids.add(dialect.readInt(row.id));
    result.set(owner, ids);
  }
  return result;
}

/** LIKE over the names a wildcard looks in, both sides folded: exactly the shared matcher's answer, in one statement. */
async function wildcardCandidates(session: SqlSession, layout: SqlLayout, folded: string): Promise<Set<number>> {
  const { dialect, schema } = layout;
  const p = new Params(dialect);
  const own = WILDCARD_PROPERTIES.flatMap((property) => (property === 'EmailAddresses' ? [] : [schema.mailboxes.text[property]]))
    .map((column) => dialect.like(dialect.fold(layout.m(column)), p.add(likePattern(folded), 'text')))
    .join(' OR ');
  const { address, mailboxId } = schema.addresses;
  const addresses = `SELECT e.${layout.q(mailboxId)} AS id FROM ${layout.addresses} e WHERE ${dialect.like(dialect.fold(`e.${layout.q(address)}`), p.add(likePattern(folded), 'text'))}`;
  const rows = await session.query(`SELECT ${layout.id} AS id FROM ${layout.mailboxes} m WHERE ${own} UNION ${addresses}`, p.values);
  return new Set(rows.map((row) => dialect.readInt(row.id)));
}
