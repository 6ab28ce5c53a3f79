import type { Statement } from 'better-sqlite3';
import { parseDn } from '../../core/dn-syntax.js';
import {
  ADDRESS_PROPERTIES, EXACT_PROPERTIES, IDENTITY_FIELDS, WILDCARD_PROPERTIES, exactProperties, matchesIdentity, parseIdentity, type IdentityForms, type IdentityProperty,
} from '../../core/identity-forms.js';
import { fold } from '../../core/mailbox.js';
import { likePattern } from '../sql/like-pattern.js';
import type { Db } from './connection.js';
import { projection, rowId, type MailboxRow } from './rows.js';

/** A batch of identities (a JSON array) in, the rows of the mailboxes they name out. */
type BulkStatement = Statement<{ list: string }, MailboxRow>;

/** The column of each identity property; EmailAddresses is the email_addresses table. */
const COLUMN: Record<Exclude<IdentityProperty, 'EmailAddresses'>, string> = {
  Guid: 'guid',
  Name: 'name',
  DisplayName: 'display_name',
  Alias: 'alias',
  SamAccountName: 'sam_account_name',
  UserPrincipalName: 'user_principal_name',
  PrimarySmtpAddress: 'primary_smtp_address',
};

const columnsOf = (properties: readonly IdentityProperty[]): string[] =>
  properties.flatMap((property) => (property === 'EmailAddresses' ? [] : [COLUMN[property]]));

/** What the shared matcher reads of each candidate. */
const CANDIDATE = projection(IDENTITY_FIELDS);

/**
 * The mailboxes identities name, as core/identity-forms.ts decides (Exchange's -Identity). The
 * columns are NOCASE and indexed, which folds ASCII only: ASCII text is compared as it is, other
 * text through casctl_fold. Plain identities go a batch per statement, straight from the indexes;
 * the other forms collect candidates that the shared matcher then decides on.
 */
export class IdentityResolver {
  /** Bulk statements by projection: a batch of identities and the rows they name, in one query. */
  private readonly bulk = new Map<string, { addresses: BulkStatement; others: BulkStatement }>();
  private readonly statements = new Map<string, Statement<{ value: string }, { id: number }>>();

  constructor(private readonly db: Db) {}

  /**
   * The rows (of the `select` list over `mailboxes m`, row id first) of the mailboxes each
   * identity names; an identity that names none is absent.
   */
  resolveMany(identities: readonly string[], wildcards: boolean, select: string): Map<string, MailboxRow[]> {
    const result = new Map<string, MailboxRow[]>();
    const addresses: string[] = [];
    const others: string[] = [];
    const distinguishedNames = new Map<string, IdentityForms>();
    const single = new Map<string, number[]>();
    for (const identity of identities) {
      const forms = parseIdentity(identity, wildcards);
      if (forms === null) continue;
      if (!forms.ascii || forms.wildcard !== null || forms.canonical !== null || forms.domainAccount !== null) {
        single.set(identity, this.resolve(forms));
      } else {
        (forms.address ? addresses : others).push(identity);
        if (forms.distinguishedName !== null) distinguishedNames.set(identity, forms);
      }
    }
    this.resolveBatches(addresses, others, select, result);
    // A DN the index does not hold as written may still name a mailbox (other spacing, escapes).
    for (const [identity, forms] of distinguishedNames) if (!result.has(identity)) single.set(identity, this.resolve(forms));
    if (single.size > 0) {
      const byId = new Map(this.rowsById([...new Set([...single.values()].flat())], select).map((row) => [rowId(row), row]));
      for (const [identity, found] of single) result.set(identity, found.map((id) => byId.get(id) as MailboxRow));
    }
    return result;
  }

  /** Plain ASCII identities: equality on the NOCASE indexes is exactly the shared matcher's answer. */
  private resolveBatches(addresses: readonly string[], others: readonly string[], select: string, result: Map<string, MailboxRow[]>): void {
    const statements = this.bulkStatements(select);
    for (const [list, statement] of [[addresses, statements.addresses], [others, statements.others]] as const) {
      if (list.length === 0) continue;
      for (const row of statement.all({ list: JSON.stringify(list.map((identity) => identity.trim())) })) {
        // The batch index comes last, so the row is the mailbox's row as it is.
        const identity = list[row[row.length - 1] as number] as string;
        const rows = result.get(identity);
        if (rows === undefined) result.set(identity, [row]);
        // The same mailbox through two of its names (its UPN is often its address) counts once.
        else if (!rows.some((r) => rowId(r) === rowId(row))) rows.push(row);
      }
    }
  }

  private bulkStatements(select: string): { addresses: BulkStatement; others: BulkStatement } {
    let statements = this.bulk.get(select);
    if (statements === undefined) {
      // Each branch walks the batch and probes one NOCASE index. Text with an `@` (nearly every
      // line of a big identity file) can only be an address or a UPN: it skips the other probes.
      const branch = (column: string): string => `SELECT j.key AS k, m.id FROM json_each(:list) j JOIN mailboxes m ON m.${column} = j.value`;
      // The primary address is one of email_addresses too.
      const addressBranches = [...columnsOf(ADDRESS_PROPERTIES).filter((c) => c !== COLUMN.PrimarySmtpAddress).map(branch), 'SELECT j.key AS k, e.mailbox_id AS id FROM json_each(:list) j JOIN email_addresses e ON e.address = j.value'];
      const otherColumns = ['distinguished_name', ...columnsOf(EXACT_PROPERTIES.filter((p) => !(ADDRESS_PROPERTIES as readonly string[]).includes(p)))];
      const query = (branches: string[]): BulkStatement =>
        this.db
          .prepare<{ list: string }, MailboxRow>(`SELECT ${select}, r.k FROM (${branches.join(' UNION ALL ')}) r JOIN mailboxes m ON m.id = r.id`)
          .raw(true);
      statements = { addresses: query(addressBranches), others: query([...otherColumns.map(branch), ...addressBranches]) };
      this.bulk.set(select, statements);
    }
    return statements;
  }

  /** The row ids of the mailboxes one identity names, in the directory's order. */
  private resolve(forms: IdentityForms): number[] {
    return forms.wildcard === null ? this.resolveExact(forms) : this.resolveWildcard(forms, forms.wildcard);
  }

  /**
   * LIKE over the wildcard names, both sides folded (or ASCII, which LIKE folds as fold() does),
   * is the shared matcher's own answer: no second read of what may be every mailbox (`get-mailbox *`).
   */
  private resolveWildcard(forms: IdentityForms, folded: string): number[] {
    const [test, value] = forms.ascii
      ? [(column: string) => `${column} LIKE :value ESCAPE '\\'`, likePattern(forms.text)]
      : [(column: string) => `casctl_fold(${column}) LIKE :value ESCAPE '\\'`, likePattern(folded)];
    return this.ids(anyOf(WILDCARD_PROPERTIES, test), value).sort((a, b) => a - b);
  }

  /** Candidates from the indexes for every form the text may be; the shared matcher decides. */
  private resolveExact(forms: IdentityForms): number[] {
    // ASCII text can use the NOCASE indexes; other text is compared folded, as fold() folds it.
    const [test, value] = forms.ascii
      ? [(column: string) => `${column} = :value`, (text: string) => text]
      : [(column: string) => `casctl_fold(${column}) = :value`, fold];
    const candidates = new Set(this.ids(anyOf(exactProperties(forms), test, ['distinguished_name']), value(forms.text)));
    const where = (column: string, text: string): void => {
      for (const id of this.ids(`SELECT id FROM mailboxes WHERE ${test(column)}`, value(text))) candidates.add(id);
    };
    // A mailbox's DN leads with its Name: a DN spelled otherwise than stored still finds it.
    const leaf = forms.distinguishedName === null ? undefined : parseDn(forms.text)?.[0]?.value;
    if (leaf !== undefined) where(COLUMN.Name, leaf);
    if (forms.canonical !== null) where('organizational_unit', forms.canonical.ou);
    if (forms.domainAccount !== null) where(COLUMN.SamAccountName, forms.domainAccount.samAccountName);
    if (candidates.size === 0) return [];
    return this.rowsById([...candidates], CANDIDATE.select)
      .filter((row) => matchesIdentity(CANDIDATE.toMailbox(row), forms))
      .map(rowId);
  }

  private ids(sql: string, value: string): number[] {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<{ value: string }, { id: number }>(sql);
      this.statements.set(sql, statement);
    }
    return statement.all({ value }).map((row) => row.id);
  }

  private rowsById(ids: readonly number[], select: string): MailboxRow[] {
    return this.db
      .prepare<[string], MailboxRow>(`SELECT ${select} FROM mailboxes m WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id`)
      .raw(true)
      .all(JSON.stringify(ids));
  }
}

/** The ids of mailboxes one of whose `properties` (or `extra` columns) passes `test`. */
function anyOf(properties: readonly IdentityProperty[], test: (column: string) => string, extra: readonly string[] = []): string {
  const own = `SELECT id FROM mailboxes WHERE ${[...extra, ...columnsOf(properties)].map(test).join(' OR ')}`;
  return properties.includes('EmailAddresses') ? `${own} UNION SELECT mailbox_id FROM email_addresses WHERE ${test('address')}` : own;
}
