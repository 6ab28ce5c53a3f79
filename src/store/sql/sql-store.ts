import { MAILBOX_FIELDS, fold, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import { latestWrites } from '../../core/setting-writes.js';
import type {
  AppliedChange, AppliedPlanChange, CasMailboxPlan, ChangeContext, ChangeQuery, ChangeRecord, DirectoryStore, ImportBatches, ImportItem,
  ImportOptions, ImportSummary, MailboxQuery, OrganizationalUnit, PendingChanges, PlanWrite, PruneQuery, PruneResult, ServiceState,
  SettingWrite, TransportConfig, TransportConfigWrite,
} from '../directory-store.js';
import { importChange } from '../import-merge.js';
import { applyCasChanges } from './changes.js';
import type { SqlPool, SqlSession } from './client.js';
import { explainSqlError } from './errors.js';
import { filterToSql } from './filter-to-sql.js';
import { changeRecordPages } from './history.js';
import { resolveIdentityRows } from './identities.js';
import { importInto } from './import.js';
import type { SqlLayout } from './layout.js';
import { likePattern } from './like-pattern.js';
import { findOrganizationalUnits } from './organizational-units.js';
import { Params } from './params.js';
import { applyPlanChanges, readPlans } from './plans.js';
import { pruneChangeRecords } from './prune.js';
import { fullProjection, projection, rowId, type Projection } from './rows.js';
import { markServicesRefreshed, pendingChanges, serviceStates } from './service-state.js';
import { inTransaction } from './transaction.js';
import { setTransportConfig, transportConfig } from './transport-config.js';

/** Mailboxes per page of a read, and Guids per page of a read by Guid. */
const PAGE = 1000;

export interface SqlStoreOptions {
  /** Safe to print: never holds a secret. */
  url: string;
  pool: SqlPool;
  layout: SqlLayout;
  /** The store was opened for a command that only reads (its connections are read-only too). */
  readOnly: boolean;
  onWait: (message: string) => void;
}

/**
 * The DirectoryStore on an SQL server (PostgreSQL, MariaDB), over the client seam (client.ts)
 * and the dialect seam (dialect.ts); the mailbox data's names come from the layout's schema.
 * Reads run outside transactions, keyset-paged on the mailbox id; every change is one
 * transaction holding the writer lock, so it commits whole or not at all.
 */
export class SqlStore implements DirectoryStore {
  readonly url: string;
  private readonly pool: SqlPool;
  private readonly layout: SqlLayout;

  constructor(private readonly options: SqlStoreOptions) {
    this.url = options.url;
    this.pool = options.pool;
    this.layout = options.layout;
  }

  async *findMailboxes<F extends MailboxField = MailboxField>(query: MailboxQuery, fields?: readonly F[]): AsyncIterable<Pick<Mailbox, F>[]> {
    const read = (fields === undefined ? fullProjection(this.layout) : projection(this.layout, fields)) as Projection<F>;
    try {
      if (query.guids !== undefined) {
        yield* this.findByGuids(query, query.guids, read);
        return;
      }
      let remaining = query.limit ?? Number.POSITIVE_INFINITY;
      let after = 0;
      while (remaining > 0) {
        const want = Math.min(PAGE, remaining);
        const p = new Params(this.layout.dialect);
        const where = this.where(query, p);
        const rows = await this.pool.query(
          `SELECT ${read.select} FROM ${this.layout.mailboxes} m WHERE ${where} AND ${this.layout.id} > ${p.add(after, 'int')} ORDER BY ${this.layout.id} LIMIT ${p.add(want, 'int')}`,
          p.values,
        );
        if (rows.length > 0) yield rows.map((row) => read.toMailbox(row));
        remaining -= rows.length;
        const last = rows.at(-1);
        if (last !== undefined) after = rowId(this.layout, last);
        if (rows.length < want) return;
      }
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** Mailboxes named by Guid (undo, audit --fix, a piped list): a page per 1,000 distinct Guids. */
  private async *findByGuids<F extends MailboxField>(query: MailboxQuery, guids: readonly string[], read: Projection<F>): AsyncIterable<Pick<Mailbox, F>[]> {
    const distinct = [...new Set(guids.map(fold))];
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < distinct.length && remaining > 0; i += PAGE) {
      const p = new Params(this.layout.dialect);
      const where = this.where({ ...query, guids: distinct.slice(i, i + PAGE) }, p);
      const rows = (await this.pool.query(`SELECT ${read.select} FROM ${this.layout.mailboxes} m WHERE ${where} ORDER BY ${this.layout.id}`, p.values)).slice(0, remaining);
      if (rows.length > 0) yield rows.map((row) => read.toMailbox(row));
      remaining -= rows.length;
    }
  }

  async countMailboxes(query: MailboxQuery): Promise<number> {
    return this.reading(async (session) => {
      const p = new Params(this.layout.dialect);
      const where = this.where(query, p);
      const [row] = await session.query(`SELECT count(*) AS n FROM ${this.layout.mailboxes} m WHERE ${where}`, p.values);
      return this.layout.dialect.readInt(row?.n ?? 0);
    });
  }

  async resolveIdentities<F extends MailboxField = MailboxField>(
    identities: readonly string[],
    options: { wildcards: boolean; fields?: readonly F[] },
  ): Promise<Map<string, Pick<Mailbox, F>[]>> {
    const read = (options.fields === undefined ? fullProjection(this.layout) : projection(this.layout, options.fields)) as Projection<F>;
    const fields: readonly MailboxField[] = options.fields ?? MAILBOX_FIELDS;
    const resolved = await this.reading((session) => resolveIdentityRows(session, this.layout, [...new Set(identities)], options.wildcards, fields));
    const result = new Map<string, Pick<Mailbox, F>[]>();
    for (const [identity, rows] of resolved) result.set(identity, rows.map((row) => read.toMailbox(row)));
    return result;
  }

  async findOrganizationalUnits(identity: string | undefined): Promise<OrganizationalUnit[]> {
    return this.reading((session) => findOrganizationalUnits(session, this.layout, identity));
  }

  async applyCasChanges(writes: readonly SettingWrite[], context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
    const latest = latestWrites(writes);
    return this.writing((session) => applyCasChanges(session, this.layout, latest, context, progress));
  }

  async getTransportConfig(): Promise<TransportConfig> {
    return this.reading((session) => transportConfig(session, this.layout));
  }

  async setTransportConfig(write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
    return this.writing((session) => setTransportConfig(session, this.layout, write, context, progress));
  }

  async *changeRecords(query: ChangeQuery): AsyncIterable<ChangeRecord[]> {
    try {
      yield* changeRecordPages(this.pool, this.layout, query);
    } catch (error) {
      throw this.explain(error);
    }
  }

  async getChangeRecords(query: ChangeQuery): Promise<ChangeRecord[]> {
    const records: ChangeRecord[] = [];
    for await (const page of this.changeRecords(query)) records.push(...page);
    return records;
  }

  /** One transaction: the prune's record and every deletion commit together, or nothing does. */
  async pruneChangeRecords(query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): Promise<PruneResult> {
    if (record === undefined) return this.reading((session) => pruneChangeRecords(session, this.layout, query));
    return this.writing((session) => pruneChangeRecords(session, this.layout, query, record));
  }

  async pendingChanges(afterChangeId: number): Promise<PendingChanges> {
    return this.reading((session) => pendingChanges(session, this.layout, afterChangeId));
  }

  async serviceStates(): Promise<Map<string, ServiceState>> {
    return this.reading((session) => serviceStates(session, this.layout));
  }

  async markServicesRefreshed(names: readonly string[], throughChangeId: number, when: Date): Promise<void> {
    await this.writing((session) => markServicesRefreshed(session, this.layout, names, throughChangeId, when));
  }

  async importMailboxes(batches: ImportBatches, when: Date, options: ImportOptions = {}): Promise<ImportSummary> {
    const whatIf = options.whatIf === true;
    const items: ImportItem[] | undefined = whatIf ? [] : undefined;
    // The batches stream in while the transaction is open: a bad row further on throws, and the
    // rollback leaves the store as it was. --what-if does it all and rolls back. A stream is read
    // once, so the transaction is never run again.
    const summary = await this.writing((session) => importInto(session, this.layout, batches, importChange(when, options), items, options), { commit: !whatIf, retry: false });
    return items === undefined ? summary : { ...summary, changeId: null, items };
  }

  async getMailboxPlans(): Promise<CasMailboxPlan[]> {
    return this.reading((session) => readPlans(session, this.layout));
  }

  async applyPlanChanges(writes: readonly PlanWrite[], context: ChangeContext): Promise<AppliedPlanChange> {
    return this.writing((session) => applyPlanChanges(session, this.layout, writes, context));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private explain(error: unknown): unknown {
    return explainSqlError(error, this.layout.dialect, this.url);
  }

  private async reading<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    try {
      return await work(this.pool);
    } catch (error) {
      throw this.explain(error);
    }
  }

  private async writing<T>(work: (session: SqlSession) => Promise<T>, options: { commit?: boolean; retry?: boolean } = {}): Promise<T> {
    // A command that writes must ask for write access when it opens the store (src/cli/open.ts).
    if (this.options.readOnly) throw new Error(`casctl opened the store ${this.url} read-only for a command that writes (it must ask withStore for 'write')`);
    try {
      return await inTransaction(this.pool, this.layout.dialect, { write: true, url: this.url, onWait: this.options.onWait, ...options }, work);
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** The query's criteria over `m`, every one of them (an intersection). */
  private where(query: MailboxQuery, p: Params): string {
    const { dialect, schema } = this.layout;
    const parts: string[] = ['1 = 1'];
    if (query.organizationalUnit !== undefined) {
      const ou = dialect.fold(this.layout.m(schema.mailboxes.text.OrganizationalUnit));
      const folded = fold(query.organizationalUnit);
      parts.push(`(${dialect.compare(ou, '=', p.add(folded, 'text'))} OR ${dialect.like(ou, p.add(`${likePattern(folded)}/%`, 'text'))})`);
    }
    if (query.guids !== undefined) parts.push(p.in(dialect.fold(this.layout.m(schema.mailboxes.text.Guid)), query.guids.map(fold)));
    if (query.filter !== undefined) parts.push(filterToSql(this.layout, query.filter, p));
    return parts.join(' AND ');
  }
}
