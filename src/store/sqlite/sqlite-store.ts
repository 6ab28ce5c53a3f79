import { type Mailbox, type MailboxField } from '../../core/mailbox.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import { latestWrites } from '../../core/setting-writes.js';
import { filterToSql } from './filter-to-sql.js';
import { likePattern } from '../sql/like-pattern.js';
import type {
  AppliedChange,
  ChangeContext,
  ChangeQuery,
  ChangeRecord,
  DirectoryStore,
  SettingWrite,
  ImportItem,
  ImportOptions,
  ImportSummary,
  ImportBatches,
  AppliedPlanChange,
  CasMailboxPlan,
  PlanWrite,
  MailboxQuery,
  OrganizationalUnit,
  PendingChanges,
  PruneQuery,
  PruneResult,
  ServiceState,
  TransportConfig,
  TransportConfigWrite,
} from '../directory-store.js';
import { setTransportConfig, transportConfig } from './transport-config.js';
import { applyCasChanges, changeRecordPages } from './changes.js';
import { pruneChangeRecords } from './prune-changes.js';
import { applyPlanChanges, readPlans } from './mailbox-plans.js';
import type { Trace } from '../../core/trace.js';
import { openDatabase, type Db, type StoreAccess } from './connection.js';
import { BUSY_TIMEOUT_MS, explainSqliteError, storeBusy } from './sqlite-errors.js';
import { importChange } from '../import-merge.js';
import { importInto } from './import.js';
import { IdentityResolver } from './identities.js';
import { markServicesRefreshed, pendingChanges, serviceStates } from './service-state.js';
import { findOrganizationalUnits } from './organizational-units.js';
import { FULL, projection, rowId, type MailboxRow, type Projection } from './rows.js';

interface Where {
  sql: string;
  params: (string | number)[];
}

/** How long a change waits for the write lock before it says that it is waiting. */
const FIRST_WAIT_MS = 1000;

/** Guids per statement when mailboxes are read by Guid. */
const GUIDS_PER_PAGE = 1000;

export class SqliteStore implements DirectoryStore {
  private readonly identities: IdentityResolver;

  private constructor(
    readonly url: string,
    private readonly path: string,
    private readonly db: Db,
    private readonly access: StoreAccess,
    private readonly onWait: (message: string) => void,
  ) {
    this.identities = new IdentityResolver(db);
  }

  static open(url: string, path: string, options: { create: boolean; readOnly?: boolean; onWait?: (message: string) => void; trace?: Trace | undefined }): SqliteStore {
    const access: StoreAccess = options.create ? 'create' : options.readOnly === true ? 'read' : 'write';
    return new SqliteStore(url, path, openDatabase(path, access, options.trace), access, options.onWait ?? (() => undefined));
  }

  async *findMailboxes<F extends MailboxField = MailboxField>(query: MailboxQuery, fields?: readonly F[]): AsyncIterable<Pick<Mailbox, F>[]> {
    try {
      yield* this.pages(query, fields);
    } catch (error) {
      throw explainSqliteError(error, this.path);
    }
  }

  private *pages<F extends MailboxField>(query: MailboxQuery, fields: readonly F[] | undefined): Iterable<Pick<Mailbox, F>[]> {
    const read = fields === undefined ? FULL : projection(fields);
    if (query.guids !== undefined) {
      yield* this.findByGuids(query, query.guids, read);
      return;
    }
    const where = this.where(query);
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

  /**
   * Mailboxes named by Guid (undo, audit --fix, a piped Guid list): a page per 1,000 Guids, each
   * an index probe per Guid. Paging on the rowid instead would parse and probe the whole list
   * once per page of results: quadratic, 30 s for a 100k undo.
   */
  private *findByGuids<F extends MailboxField>(query: MailboxQuery, guids: readonly string[], read: Projection<F>): Iterable<Pick<Mailbox, F>[]> {
    const where = this.where({ ...query, guids: undefined });
    // CROSS JOIN keeps json_each outside, so each Guid is one probe of the guid index.
    const page = this.db
      .prepare<(string | number)[], MailboxRow>(
        `SELECT ${read.select} FROM (SELECT DISTINCT value FROM json_each(?)) j CROSS JOIN mailboxes m ON m.guid = j.value WHERE (${where.sql}) ORDER BY m.id`,
      )
      .raw(true);
    // Each mailbox once, as a Guid IN (...) condition would give it, however often it is named.
    const distinct = [...new Map(guids.map((guid) => [guid.toLowerCase(), guid])).values()];
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < distinct.length && remaining > 0; i += GUIDS_PER_PAGE) {
      const rows = page.all(JSON.stringify(distinct.slice(i, i + GUIDS_PER_PAGE)), ...where.params).slice(0, remaining);
      if (rows.length > 0) yield rows.map((row) => read.toMailbox(row));
      remaining -= rows.length;
    }
  }

  async countMailboxes(query: MailboxQuery): Promise<number> {
    return this.reading(() => {
      const where = this.where(query);
      const row = this.db
        .prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM mailboxes m WHERE ${where.sql}`)
        .get(...where.params);
      return row?.n ?? 0;
    });
  }

  async resolveIdentities<F extends MailboxField = MailboxField>(
    identities: readonly string[],
    options: { wildcards: boolean; fields?: readonly F[] },
  ): Promise<Map<string, Pick<Mailbox, F>[]>> {
    const read = options.fields === undefined ? FULL : projection(options.fields);
    const resolved = this.reading(() => this.identities.resolveMany([...new Set(identities)], options.wildcards, read.select));
    const result = new Map<string, Pick<Mailbox, F>[]>();
    for (const [identity, rows] of resolved) result.set(identity, rows.map((row) => read.toMailbox(row) as Pick<Mailbox, F>));
    return result;
  }

  async pendingChanges(afterChangeId: number): Promise<PendingChanges> {
    return this.reading(() => pendingChanges(this.db, afterChangeId));
  }

  async serviceStates(): Promise<Map<string, ServiceState>> {
    return this.reading(() => serviceStates(this.db));
  }

  async markServicesRefreshed(names: readonly string[], throughChangeId: number, when: Date): Promise<void> {
    await this.immediate(() => markServicesRefreshed(this.db, names, throughChangeId, when));
  }

  async findOrganizationalUnits(identity: string | undefined): Promise<OrganizationalUnit[]> {
    return this.reading(() => findOrganizationalUnits(this.db, identity));
  }

  async applyCasChanges(writes: readonly SettingWrite[], context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
    this.useBulkCache();
    return this.immediate(() => applyCasChanges(this.db, latestWrites(writes), context, progress));
  }

  async getTransportConfig(): Promise<TransportConfig> {
    return this.reading(() => transportConfig(this.db));
  }

  async setTransportConfig(write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
    this.useBulkCache();
    return this.immediate(() => setTransportConfig(this.db, write, context, progress));
  }

  async *changeRecords(query: ChangeQuery): AsyncIterable<ChangeRecord[]> {
    try {
      yield* changeRecordPages(this.db, query);
    } catch (error) {
      throw explainSqliteError(error, this.path);
    }
  }

  async getChangeRecords(query: ChangeQuery): Promise<ChangeRecord[]> {
    return this.reading(() => [...changeRecordPages(this.db, query)].flat());
  }

  /** One transaction: the prune's record and every deletion commit together, or nothing does. */
  async pruneChangeRecords(query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): Promise<PruneResult> {
    if (record === undefined) return this.reading(() => pruneChangeRecords(this.db, query));
    return this.immediate(() => pruneChangeRecords(this.db, query, record));
  }

  /**
   * Bulk writes touch index pages all over the file: SQLite's default 2 MiB page cache makes it
   * re-read them (measured: a 1M-row import halves with 512 MiB). Reads keep the default, so an
   * audit's memory stays flat.
   */
  private useBulkCache(): void {
    this.db.pragma('cache_size = -524288');
  }

  async importMailboxes(batches: ImportBatches, when: Date, options: ImportOptions = {}): Promise<ImportSummary> {
    this.useBulkCache();
    const whatIf = options.whatIf === true;
    const items: ImportItem[] | undefined = whatIf ? [] : undefined;
    // The batches stream in while the transaction is open: a bad row further on throws, and the
    // rollback leaves the store as it was. --what-if does it all and rolls back, so its plan is
    // exactly what the import would do (constraints included).
    const summary = await this.immediate(() => importInto(this.db, batches, importChange(when, options), items, options), { commit: !whatIf });
    return items === undefined ? summary : { ...summary, changeId: null, items };
  }

  async getMailboxPlans(): Promise<CasMailboxPlan[]> {
    return this.reading(() => readPlans(this.db));
  }

  async applyPlanChanges(writes: readonly PlanWrite[], context: ChangeContext): Promise<AppliedPlanChange> {
    return this.immediate(() => applyPlanChanges(this.db, writes, context));
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Reads run outside a transaction; what SQLite says about the file is explained, as for writes. */
  private reading<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw explainSqliteError(error, this.path);
    }
  }

  /**
   * BEGIN IMMEDIATE takes the write lock up front, so concurrent writers queue on busy_timeout
   * instead of failing; a writer still busy after it is told so (exit 3), not a crash.
   * `commit: false` works inside the transaction and rolls it back.
   */
  private async immediate<T>(work: () => T | Promise<T>, options = { commit: true }): Promise<T> {
    // A command that writes must ask for write access when it opens the store (src/cli/open.ts).
    if (this.access === 'read') throw new Error(`casctl opened the store ${this.url} read-only for a command that writes (it must ask withStore for 'write')`);
    this.begin();
    try {
      const result = await work();
      if (options.commit) this.db.exec('COMMIT');
      else this.db.exec('ROLLBACK');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw explainSqliteError(error, this.path);
    }
  }

  /**
   * Takes the write lock, waiting for another writer for at most BUSY_TIMEOUT_MS: first a short
   * wait, then, if the lock is still held, a word to the admin and the rest of the wait, so a
   * change stuck behind another casctl (or a long import) says why it is slow.
   */
  private begin(): void {
    const start = (timeoutMs: number): boolean => {
      this.db.pragma(`busy_timeout = ${timeoutMs}`);
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return true;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw explainSqliteError(error, this.path);
        return false;
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
    };
    if (start(FIRST_WAIT_MS)) return;
    this.onWait(`The store ${this.path} is busy: another casctl or Dovecot is writing it. Waiting up to ${BUSY_TIMEOUT_MS / 1000} s for it to finish...`);
    if (start(BUSY_TIMEOUT_MS - FIRST_WAIT_MS)) return;
    throw storeBusy(this.path);
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
