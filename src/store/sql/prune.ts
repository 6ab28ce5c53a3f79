import type { ChangeContext, PruneQuery, PruneResult } from '../directory-store.js';
import { insertChangeRecord } from './changes.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { Params } from './params.js';
import { newestChangeId } from './service-state.js';

/** Record ids per DELETE statement. */
const IDS_PER_STATEMENT = 10_000;

/**
 * Counts, and with `record` removes, the records a prune selects: older than `before`, through
 * `refreshedThrough`, and not undone by a record that stays, however long the chain of undos
 * (UndoOf must name a record). The ids are worked out first (change_records is small); the
 * deletions then name them. The prune's own record is inserted before anything is deleted, so
 * it takes an id above every id ever handed out: refresh marks never compare with a smaller one.
 * Must run inside a write transaction when it removes.
 */
export async function pruneChangeRecords(session: SqlSession, layout: SqlLayout, query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): Promise<PruneResult> {
  const { dialect } = layout;
  const newest = await newestChangeId(session, layout);
  const before = query.before.toISOString();
  const through = Math.min(Math.trunc(query.refreshedThrough), newest);
  const p = new Params(dialect);
  const rows = await session.query(
    `WITH RECURSIVE
       candidate(id) AS (SELECT id FROM change_records WHERE when_changed < ${p.add(before, 'text')} AND id <= ${p.add(through, 'int')}),
       undone(id) AS (
         SELECT undo_of FROM change_records WHERE undo_of IS NOT NULL AND id NOT IN (SELECT id FROM candidate)
         UNION SELECT r.undo_of FROM change_records r JOIN undone u ON r.id = u.id WHERE r.undo_of IS NOT NULL
       )
     SELECT id FROM candidate WHERE id NOT IN (SELECT id FROM undone) ORDER BY id`,
    p.values,
  );
  const ids = rows.map((row) => dialect.readInt(row.id));
  const count = async (sql: string, values: (string | number)[]): Promise<number> => dialect.readInt((await session.query(sql, values))[0]?.n ?? 0);
  let items = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + IDS_PER_STATEMENT);
    for (const table of ['change_items', 'plan_change_items']) {
      const q = new Params(dialect);
      const [row] = await session.query(`SELECT count(*) AS n FROM ${table} WHERE ${q.in('change_id', chunk, 'intList')}`, q.values);
      items += dialect.readInt(row?.n ?? 0);
    }
  }
  const older = await count(`SELECT count(*) AS n FROM change_records WHERE when_changed < ${dialect.placeholder(1, 'text')}`, [before]);
  const keptPending = await count(
    `SELECT count(*) AS n FROM change_records WHERE when_changed < ${dialect.placeholder(1, 'text')} AND id > ${dialect.placeholder(2, 'int')}`,
    [before, through],
  );
  const result: PruneResult = {
    records: ids.length,
    items,
    firstId: ids[0] ?? null,
    lastId: ids.at(-1) ?? null,
    keptPending,
    keptUndone: older - ids.length - keptPending,
    changeId: null,
  };
  if (record === undefined || result.records === 0) return result;
  const changeId = await insertChangeRecord(session, layout, record(result), null);
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + IDS_PER_STATEMENT);
    // Items first: they reference their record.
    for (const [table, column] of [['change_items', 'change_id'], ['plan_change_items', 'change_id'], ['transport_config_changes', 'change_id'], ['change_records', 'id']]) {
      const q = new Params(dialect);
      await session.execute(`DELETE FROM ${table} WHERE ${q.in(column as string, chunk, 'intList')}`, q.values);
    }
  }
  return { ...result, changeId };
}
