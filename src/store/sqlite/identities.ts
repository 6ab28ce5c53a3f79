import { netbiosDomain } from '../../core/distinguished-name.js';
import { fold, isAscii } from '../../core/mailbox.js';
import { likePattern } from '../../filter/to-sql.js';
import type { Db } from './connection.js';

/**
 * The ids of the mailboxes one identity names, as Exchange's -Identity resolves: exactly and
 * case-insensitively against Guid, DistinguishedName, Name, Alias, SamAccountName,
 * UserPrincipalName, any address, the canonical name and `DOMAIN\SamAccountName`.
 * Columns are NOCASE and indexed; non-ASCII text (which NOCASE does not fold) is compared folded.
 */
export class IdentityResolver {
  private readonly exactMany;
  private readonly exact;
  private readonly exactFolded;
  private readonly canonical;
  private readonly bySam;
  private readonly wildcard;
  private readonly wildcardFolded;

  constructor(db: Db) {
    // One statement for a whole batch: each branch walks the batch and probes one NOCASE index.
    // Text with an `@` (nearly every line of a big identity file) can only be an address or a
    // UPN, so it skips the other five probes.
    const columns = ['guid', 'distinguished_name', 'name', 'alias', 'sam_account_name'];
    this.exactMany = db.prepare<{ list: string }, { k: number; id: number }>(
      [
        ...columns.map((c) => `SELECT j.key AS k, m.id FROM json_each(:list) j JOIN mailboxes m ON m.${c} = j.value WHERE instr(j.value, '@') = 0`),
        'SELECT j.key AS k, m.id FROM json_each(:list) j JOIN mailboxes m ON m.user_principal_name = j.value',
        'SELECT j.key AS k, e.mailbox_id AS id FROM json_each(:list) j JOIN email_addresses e ON e.address = j.value',
      ].join(' UNION ALL '),
    );
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
    this.wildcard = db.prepare<{ pattern: string }, { id: number }>(
      `SELECT id FROM mailboxes WHERE name LIKE :pattern ESCAPE '\\' OR alias LIKE :pattern ESCAPE '\\'
         OR display_name LIKE :pattern ESCAPE '\\' OR sam_account_name LIKE :pattern ESCAPE '\\'
         OR user_principal_name LIKE :pattern ESCAPE '\\'
       UNION SELECT mailbox_id FROM email_addresses WHERE address LIKE :pattern ESCAPE '\\'`,
    );
    this.wildcardFolded = db.prepare<{ pattern: string }, { id: number }>(
      `SELECT id FROM mailboxes WHERE casctl_fold(name) LIKE :pattern ESCAPE '\\'
         OR casctl_fold(alias) LIKE :pattern ESCAPE '\\' OR casctl_fold(display_name) LIKE :pattern ESCAPE '\\'`,
    );
  }

  /** The ids each identity names; identities are resolved in bulk where they can be. */
  resolveMany(identities: readonly string[], wildcards: boolean): Map<string, number[]> {
    const result = new Map<string, number[]>();
    const bulk: string[] = [];
    for (const identity of identities) {
      const text = identity.trim();
      const simple = isAscii(text) && !(wildcards && text.includes('*')) && !/[\\/]/.test(text);
      if (simple) bulk.push(identity);
      else result.set(identity, this.resolve(identity, wildcards));
    }
    if (bulk.length > 0) {
      const found = new Map<number, number[]>();
      for (const row of this.exactMany.all({ list: JSON.stringify(bulk.map((b) => b.trim())) })) {
        const ids = found.get(row.k) ?? [];
        ids.push(row.id);
        found.set(row.k, ids);
      }
      bulk.forEach((identity, index) => result.set(identity, [...new Set(found.get(index) ?? [])]));
    }
    return result;
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
