import type { Statement } from 'better-sqlite3';
import { netbiosDomain } from '../../core/distinguished-name.js';
import { fold, isAscii } from '../../core/mailbox.js';
import { likePattern } from '../../filter/to-sql.js';
import type { Db } from './connection.js';
import { rowId, type MailboxRow } from './rows.js';

/** A batch of identities (a JSON array) in, the rows of the mailboxes they name out. */
type BulkStatement = Statement<{ list: string }, MailboxRow>;

/**
 * The mailboxes identities name, as Exchange's -Identity resolves: exactly and
 * case-insensitively against Guid, DistinguishedName, Name, Alias, SamAccountName,
 * UserPrincipalName, any address, the canonical name and `DOMAIN\SamAccountName`.
 * Columns are NOCASE and indexed; non-ASCII text (which NOCASE does not fold) is compared folded.
 */
/** The names a `*` wildcard searches, besides every email address. */
const WILDCARD_COLUMNS = ['name', 'alias', 'display_name', 'sam_account_name', 'user_principal_name'];

export class IdentityResolver {
  /** Bulk statements by projection: a batch of identities and the rows they name, in one query. */
  private readonly bulk = new Map<string, { addresses: BulkStatement; others: BulkStatement }>();
  private readonly exact;
  private readonly exactFolded;
  private readonly canonical;
  private readonly bySam;
  private readonly wildcard;
  private readonly wildcardFolded;

  constructor(private readonly db: Db) {
    this.exact = db.prepare<{ id: string }, { id: number }>(
      `SELECT id FROM mailboxes WHERE guid = :id OR distinguished_name = :id OR name = :id OR alias = :id
         OR sam_account_name = :id OR user_principal_name = :id
       UNION SELECT mailbox_id FROM email_addresses WHERE address = :id`,
    );
    this.exactFolded = db.prepare<{ id: string }, { id: number }>(
      `SELECT id FROM mailboxes WHERE casctl_fold(name) = :id OR casctl_fold(alias) = :id
         OR casctl_fold(distinguished_name) = :id OR casctl_fold(sam_account_name) = :id
         OR casctl_fold(user_principal_name) = :id
       UNION SELECT mailbox_id FROM email_addresses WHERE casctl_fold(address) = :id`,
    );
    this.canonical = db.prepare<{ ou: string; name: string }, { id: number; name: string; organizational_unit: string }>(
      `SELECT id, name, organizational_unit FROM mailboxes WHERE organizational_unit = :ou
         OR casctl_fold(organizational_unit) = casctl_fold(:ou)`,
    );
    this.bySam = db.prepare<[string], { id: number; organizational_unit: string }>(
      'SELECT id, organizational_unit FROM mailboxes WHERE sam_account_name = ?',
    );
    // One list for both, so the ASCII and the folded wildcard search the same names (LDAP's too).
    const like = (column: string): string => `${column} LIKE :pattern ESCAPE '\\'`;
    const folded = (column: string): string => `casctl_fold(${column}) LIKE :pattern ESCAPE '\\'`;
    const wildcardSql = (test: (column: string) => string): string =>
      `SELECT id FROM mailboxes WHERE ${WILDCARD_COLUMNS.map(test).join(' OR ')}
       UNION SELECT mailbox_id FROM email_addresses WHERE ${test('address')}`;
    this.wildcard = db.prepare<{ pattern: string }, { id: number }>(wildcardSql(like));
    this.wildcardFolded = db.prepare<{ pattern: string }, { id: number }>(wildcardSql(folded));
  }

  /**
   * The rows (of the `select` list over `mailboxes m`, row id first) of the mailboxes each
   * identity names; an identity that names none is absent. Plain identities are resolved a batch
   * per statement; wildcards, non-ASCII text and the DN, canonical and DOMAIN\account forms one
   * by one.
   */
  resolveMany(identities: readonly string[], wildcards: boolean, select: string): Map<string, MailboxRow[]> {
    const result = new Map<string, MailboxRow[]>();
    const addresses: string[] = [];
    const others: string[] = [];
    const single = new Map<string, number[]>();
    for (const identity of identities) {
      const text = identity.trim();
      if (!isAscii(text) || (wildcards && text.includes('*')) || text.includes('/') || text.includes('\\')) {
        single.set(identity, this.resolve(identity, wildcards));
      } else {
        (text.includes('@') ? addresses : others).push(identity);
      }
    }
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
    if (single.size > 0) {
      const ids = [...new Set([...single.values()].flat())];
      const byId = new Map(
        this.db
          .prepare<[string], MailboxRow>(`SELECT ${select} FROM mailboxes m WHERE m.id IN (SELECT value FROM json_each(?))`)
          .raw(true)
          .all(JSON.stringify(ids))
          .map((row) => [rowId(row), row]),
      );
      for (const [identity, found] of single) result.set(identity, found.map((id) => byId.get(id) as MailboxRow));
    }
    return result;
  }

  private bulkStatements(select: string): { addresses: BulkStatement; others: BulkStatement } {
    let statements = this.bulk.get(select);
    if (statements === undefined) {
      // Each branch walks the batch and probes one NOCASE index. Text with an `@` (nearly every
      // line of a big identity file) can only be an address or a UPN: it skips the other probes.
      const branch = (column: string): string => `SELECT j.key AS k, m.id FROM json_each(:list) j JOIN mailboxes m ON m.${column} = j.value`;
      const addressBranches = [branch('user_principal_name'), 'SELECT j.key AS k, e.mailbox_id AS id FROM json_each(:list) j JOIN email_addresses e ON e.address = j.value'];
      const otherBranches = ['guid', 'distinguished_name', 'name', 'alias', 'sam_account_name'].map(branch);
      const query = (branches: string[]): BulkStatement =>
        this.db
          .prepare<{ list: string }, MailboxRow>(`SELECT ${select}, r.k FROM (${branches.join(' UNION ALL ')}) r JOIN mailboxes m ON m.id = r.id`)
          .raw(true);
      statements = { addresses: query(addressBranches), others: query([...otherBranches, ...addressBranches]) };
      this.bulk.set(select, statements);
    }
    return statements;
  }

  resolve(identity: string, wildcards: boolean): number[] {
    const text = identity.trim();
    if (text.length === 0) return [];
    const ids = new Set<number>();
    if (wildcards && text.includes('*')) {
      const statement = isAscii(text) ? this.wildcard : this.wildcardFolded;
      const pattern = likePattern(isAscii(text) ? text : fold(text));
      for (const row of statement.all({ pattern })) ids.add(row.id);
      return [...ids];
    }
    const direct = isAscii(text) ? this.exact.all({ id: text }) : this.exactFolded.all({ id: fold(text) });
    for (const row of direct) ids.add(row.id);
    this.addCanonical(text, ids);
    this.addDomainAccount(text, ids);
    return [...ids];
  }

  /** `tailspintoys.com/North America/Finance/Rand Zaher` */
  private addCanonical(text: string, ids: Set<number>): void {
    const slash = text.lastIndexOf('/');
    if (slash <= 0) return;
    const name = fold(text.slice(slash + 1));
    for (const row of this.canonical.all({ ou: text.slice(0, slash), name })) {
      if (fold(row.name) === name) ids.add(row.id);
    }
  }

  /** `TAILSPINTOYS\rzaher` or `tailspintoys.com\rzaher` */
  private addDomainAccount(text: string, ids: Set<number>): void {
    const match = /^([^\\/]+)\\([^\\/]+)$/.exec(text);
    if (match === null) return;
    const [, domainPart = '', sam = ''] = match;
    for (const row of this.bySam.all(sam)) {
      const domain = (row.organizational_unit.split('/')[0] ?? '').toLowerCase();
      if (fold(domainPart) === domain || domainPart.toUpperCase() === netbiosDomain(domain)) ids.add(row.id);
    }
  }
}
