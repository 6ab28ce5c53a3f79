import type { ChangeContext, PruneQuery, PruneResult } from '../directory-store.js';
import type { Db } from './connection.js';

/**
 * The records a prune removes, as a CTE every statement of the prune repeats (it reads only the
 * small change_records table): older than :before, through :through, and not undone by a record
 * that stays, however long the chain of undos (UndoOf is a foreign key, and must name a record).
 */
const PRUNED = `
WITH RECURSIVE
  candidate(id) AS (SELECT id FROM change_records WHERE when_changed < :before AND id <= :through),
  undone(id) AS (
    SELECT undo_of FROM change_records WHERE undo_of IS NOT NULL AND id NOT IN candidate
    UNION SELECT r.undo_of FROM change_records r JOIN undone u ON r.id = u.id WHERE r.undo_of IS NOT NULL
  ),
  pruned(id) AS (SELECT id FROM candidate WHERE id NOT IN undone)`;

interface Counts {
  records: number;
  items: number;
  firstId: number | null;
  lastId: number | null;
  older: number;
}

/**
 * Counts, and with `record` removes, the records a prune selects; must run inside a write
 * transaction when it removes. The prune's own record is inserted before anything is deleted, so
 * it takes an id above every id ever handed out: the ids the services' refresh marks compare with
 * never run backwards, even when the prune empties the history.
 */
export function pruneChangeRecords(db: Db, query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): PruneResult {
  const newest = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM change_records').get()?.id ?? 0;
  const bound = { before: query.before.toISOString(), through: Math.min(Math.trunc(query.refreshedThrough), newest) };
  const counts = db
    .prepare<typeof bound, Counts>(
      `${PRUNED}
       SELECT (SELECT count(*) FROM pruned) AS records,
              (SELECT count(*) FROM change_items WHERE change_id IN pruned)
                + (SELECT count(*) FROM plan_change_items WHERE change_id IN pruned) AS items,
              (SELECT min(id) FROM pruned) AS firstId, (SELECT max(id) FROM pruned) AS lastId,
              (SELECT count(*) FROM change_records WHERE when_changed < :before) AS older`,
    )
    .get(bound) as Counts;
  const keptPending = db
    .prepare<typeof bound, { n: number }>('SELECT count(*) AS n FROM change_records WHERE when_changed < :before AND id > :through')
    .get(bound)?.n ?? 0;
  const result: PruneResult = {
    records: counts.records,
    items: counts.items,
    firstId: counts.firstId,
    lastId: counts.lastId,
    keptPending,
    keptUndone: counts.older - counts.records - keptPending,
    changeId: null,
  };
  if (record === undefined || result.records === 0) return result;
  const context = record(result);
  const changeId = Number(
    db
      .prepare(
        `INSERT INTO change_records (when_changed, os_user, sudo_user, host, command_line, undo_of)
         VALUES (?, ?, ?, ?, ?, NULL)`,
      )
      .run(context.when.toISOString(), context.osUser, context.sudoUser, context.host, context.commandLine).lastInsertRowid,
  );
  // Items first: they reference their record.
  db.prepare(`${PRUNED} DELETE FROM change_items WHERE change_id IN pruned`).run(bound);
  db.prepare(`${PRUNED} DELETE FROM plan_change_items WHERE change_id IN pruned`).run(bound);
  db.prepare(`${PRUNED} DELETE FROM transport_config_changes WHERE change_id IN pruned`).run(bound);
  db.prepare(`${PRUNED} DELETE FROM change_records WHERE id IN pruned`).run(bound);
  return { ...result, changeId };
}
