import { randomUUID } from 'node:crypto';
import { mailboxDn, parseCanonicalOu } from '../../core/distinguished-name.js';
import { UsageError } from '../../core/errors.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import { filterToSql, likePattern } from '../../filter/to-sql.js';
import type {
  AppliedChange,
  ChangeContext,
  ChangeQuery,
  ChangeRecord,
  DirectoryStore,
  SettingWrite,
  ImportSummary,
  MailboxRecordBatches,
  MailboxQuery,
  OrganizationalUnit,
  PendingChanges,
  ServiceState,
} from '../directory-store.js';
import { applyCasChanges, getChangeRecords } from './changes.js';
import { openDatabase, type Db } from './connection.js';
import { IdentityResolver } from './identities.js';
import { markServicesRefreshed, pendingChanges, serviceStates } from './service-state.js';
import { OrganizationalUnitMaker, findOrganizationalUnits } from './organizational-units.js';
import { FULL, projection, rowId, type MailboxRow } from './rows.js';

interface Where {
  sql: string;
  params: (string | number)[];
}

export class SqliteStore implements DirectoryStore {
  private readonly identities: IdentityResolver;

  private constructor(
    readonly url: string,
    private readonly db: Db,
  ) {
    this.identities = new IdentityResolver(db);
  }

  static open(url: string, path: string, options: { create: boolean }): SqliteStore {
    return new SqliteStore(url, openDatabase(path, options));
  }

  async *findMailboxes<F extends MailboxField = MailboxField>(query: MailboxQuery, fields?: readonly F[]): AsyncIterable<Pick<Mailbox, F>[]> {
    const where = this.where(query);
    const read = fields === undefined ? FULL : projection(fields);
    // Pages keyed on the rowid rather than one open cursor, so that the caller may await, or use
    // the store, between mailboxes, with flat memory. Rowid order (the directory's own order,
    // as Exchange lists it) lets SQLite walk a filter's index instead of sorting or seeking.
    const page = this.db
      .prepare<(string | number)[], MailboxRow>(`SELECT ${read.select} FROM mailboxes m WHERE (${where.sql}) AND m.id > ? ORDER BY m.id LIMIT ?`)
      .raw(true);
    // Pages small enough to keep the heap young: memory stays flat however many mailboxes match.
    const pageSize = 1000;
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    let after = 0;
    while (remaining > 0) {
      const want = Math.min(pageSize, remaining);
      const rows = page.all(...where.params, after, want);
      if (rows.length > 0) yield rows.map((row) => read.toMailbox(row));
      remaining -= rows.length;
      const last = rows.at(-1);
      if (last !== undefined) after = rowId(last);
      if (rows.length < want) return;
    }
  }

  async countMailboxes(query: MailboxQuery): Promise<number> {
    const where = this.where(query);
    const row = this.db
      .prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM mailboxes m WHERE ${where.sql}`)
      .get(...where.params);
    return row?.n ?? 0;
  }

  async resolveIdentities<F extends MailboxField = MailboxField>(
    identities: readonly string[],
    options: { wildcards: boolean; fields?: readonly F[] },
  ): Promise<Map<string, Pick<Mailbox, F>[]>> {
    const read = options.fields === undefined ? FULL : projection(options.fields);
    const resolved = this.identities.resolveMany([...new Set(identities)], options.wildcards, read.select);
    const result = new Map<string, Pick<Mailbox, F>[]>();
    for (const [identity, rows] of resolved) result.set(identity, rows.map((row) => read.toMailbox(row) as Pick<Mailbox, F>));
    return result;
  }

  async pendingChanges(afterChangeId: number): Promise<PendingChanges> {
    return pendingChanges(this.db, afterChangeId);
  }

  async serviceStates(): Promise<Map<string, ServiceState>> {
    return serviceStates(this.db);
  }

  async markServicesRefreshed(names: readonly string[], throughChangeId: number, when: Date): Promise<void> {
    await this.immediate(() => markServicesRefreshed(this.db, names, throughChangeId, when));
  }

  async findOrganizationalUnits(identity: string | undefined): Promise<OrganizationalUnit[]> {
    return findOrganizationalUnits(this.db, identity);
  }

  async applyCasChanges(writes: readonly SettingWrite[], context: ChangeContext): Promise<AppliedChange> {
    this.useBulkCache();
    return this.immediate(() => applyCasChanges(this.db, writes, context));
  }

  async getChangeRecords(query: ChangeQuery): Promise<ChangeRecord[]> {
    return getChangeRecords(this.db, query);
  }

  /**
   * Bulk writes touch index pages all over the file: SQLite's default 2 MiB page cache makes it
   * re-read them (measured: a 1M-row import halves with 512 MiB). Reads keep the default, so an
   * audit's memory stays flat.
   */
  private useBulkCache(): void {
    this.db.pragma('cache_size = -524288');
  }

  async importMailboxes(batches: MailboxRecordBatches, when: Date): Promise<ImportSummary> {
    this.useBulkCache();
    const summary: ImportSummary = { created: 0, updated: 0, organizationalUnitsCreated: 0 };
    const stamp = when.toISOString();
    // An existing mailbox is matched by Guid first, else by its primary address.
    const find = this.db.prepare<{ guid: string | null; address: string }, { id: number; guid: string }>(
      `SELECT id, guid FROM mailboxes WHERE guid = :guid OR primary_smtp_address = :address
       ORDER BY guid = :guid DESC LIMIT 1`,
    );
    const customColumns = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n}`);
    const columns = [
      'guid', 'distinguished_name', 'name', 'display_name', 'alias', 'sam_account_name', 'user_principal_name',
      'primary_smtp_address', 'organizational_unit', 'department', 'title', 'company', 'office', 'city',
      'state_or_province', 'country_or_region', ...customColumns, 'recipient_type_details', 'is_administrator',
      'pop_enabled', 'imap_enabled', 'password', 'when_created', 'when_changed',
    ];
    const insert = this.db.prepare(
      `INSERT INTO mailboxes (${columns.join(', ')}) VALUES (${columns.map((c) => `:${c}`).join(', ')})`,
    );
    const updatable = columns.filter((c) => !['guid', 'when_created', 'password'].includes(c));
    const update = this.db.prepare(
      `UPDATE mailboxes SET ${updatable.map((c) => `${c} = :${c}`).join(', ')}, password = coalesce(:password, password)
       WHERE id = :id`,
    );
    const clearAddresses = this.db.prepare('DELETE FROM email_addresses WHERE mailbox_id = ?');
    const addAddress = this.db.prepare('INSERT INTO email_addresses (address, mailbox_id) VALUES (?, ?)');

    const units = new OrganizationalUnitMaker(this.db);
    // The batches stream in while the transaction is open: a bad row further on throws, and the
    // rollback leaves the store as it was.
    await this.immediate(async () => {
      for await (const batch of batches) for (const record of batch) {
        const ou = units.ensure(record.OrganizationalUnit);
        const existing = find.get({ guid: record.Guid, address: record.PrimarySmtpAddress });
        const path = parseCanonicalOu(ou);
        const values: Record<string, string | number | null> = {
          guid: existing?.guid ?? record.Guid ?? randomUUID(),
          distinguished_name: record.DistinguishedName ?? (path === null ? null : mailboxDn(record.Name, path)),
          name: record.Name,
          display_name: record.DisplayName,
          alias: record.Alias,
          sam_account_name: record.SamAccountName,
          user_principal_name: record.UserPrincipalName,
          primary_smtp_address: record.PrimarySmtpAddress.toLowerCase(),
          organizational_unit: ou,
          department: record.Department,
          title: record.Title,
          company: record.Company,
          office: record.Office,
          city: record.City,
          state_or_province: record.StateOrProvince,
          country_or_region: record.CountryOrRegion,
          recipient_type_details: record.RecipientTypeDetails,
          is_administrator: Number(record.SamAccountName.toLowerCase() === 'administrator'),
          pop_enabled: Number(record.PopEnabled),
          imap_enabled: Number(record.ImapEnabled),
          password: record.Password,
          when_created: stamp,
          when_changed: stamp,
        };
        customColumns.forEach((column, index) => {
          values[column] = record.CustomAttributes[index] ?? null;
        });
        let id: number;
        try {
          if (existing === undefined) {
            id = Number(insert.run(values).lastInsertRowid);
            summary.created++;
          } else {
            id = existing.id;
            const { guid: _guid, when_created: _created, ...changed } = values;
            update.run({ ...changed, id });
            clearAddresses.run(id);
            summary.updated++;
          }
          for (const address of record.EmailAddresses) addAddress.run(address.toLowerCase(), id);
        } catch (error) {
          throw new UsageError(`Cannot import '${record.PrimarySmtpAddress}': ${describeConstraint(error)}`);
        }
      }
    });
    summary.organizationalUnitsCreated = units.created;
    return summary;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so concurrent writers queue on busy_timeout instead of failing. */
  private async immediate<T>(work: () => T | Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private where(query: MailboxQuery): Where {
    const parts: string[] = ['1'];
    const params: (string | number)[] = [];
    if (query.organizationalUnit !== undefined) {
      parts.push(`(m.organizational_unit = ? OR m.organizational_unit LIKE ? ESCAPE '\\')`);
      params.push(query.organizationalUnit, `${likePattern(query.organizationalUnit)}/%`);
    }
    if (query.guids !== undefined) {
      parts.push('m.guid IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.guids));
    }
    if (query.filter !== undefined) {
      const filter = filterToSql(query.filter);
      parts.push(`(${filter.where})`);
      params.push(...filter.params);
    }
    return { sql: parts.join(' AND '), params };
  }
}

function describeConstraint(error: unknown): string {
  const message = (error as Error).message;
  const column = /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(message);
  if (column !== null) {
    const what: Record<string, string> = {
      address: 'an address of it already belongs to another mailbox',
      sam_account_name: 'its SamAccountName already belongs to another mailbox',
      user_principal_name: 'its UserPrincipalName already belongs to another mailbox',
      primary_smtp_address: 'its PrimarySmtpAddress already belongs to another mailbox',
      distinguished_name: 'its DistinguishedName already belongs to another mailbox',
      guid: 'its Guid already belongs to another mailbox',
    };
    return what[column[2] ?? ''] ?? message;
  }
  return message;
}
