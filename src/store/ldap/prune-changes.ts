import { forEachConcurrently } from '../../core/concurrency.js';
import type { ChangeContext, PruneQuery, PruneResult } from '../directory-store.js';
import { RECORD_ATTRIBUTES, RECORD_CLASS, toRecord, type ChangeLog, type ParsedRecord } from './change-log.js';
import type { LdapConnection } from './connection.js';
import { generalizedTime } from './entries.js';
import { ResultCode, resultCode } from './errors.js';
import type { DirectoryLayout } from './layout.js';
import { and } from './mailbox-search.js';

export interface PruneTarget {
  connection: LdapConnection;
  layout: DirectoryLayout;
  changeLog: ChangeLog;
  concurrency: number;
}

/**
 * The LDAP side of pruneChangeRecords (see DirectoryStore): the same records as on SQLite go
 * (older than `before`, through `refreshedThrough`, not undone by a record that stays), and
 * records still `applying` stay too: crash recovery needs them. With no transaction across
 * entries, the prune's record is written (complete) first, then every item block, then the
 * records, a bounded number at a time: an interrupted prune leaves records, never orphan blocks,
 * and running it again finishes the job.
 */
export async function pruneChangeRecords(target: PruneTarget, query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): Promise<PruneResult> {
  const { connection, layout, changeLog } = target;
  const older = await searchRecords(target, and([RECORD_CLASS, `(casChangeTime<=${generalizedTime(query.before)})`]));
  const old = older.filter((r) => Date.parse(r.record.WhenChanged) < query.before.getTime());
  const candidates = old.filter((r) => r.complete && r.record.Id <= query.refreshedThrough);
  const candidateIds = new Set(candidates.map((r) => r.record.Id));
  const undone = undoneByStaying(await searchRecords(target, and([RECORD_CLASS, '(casChangeUndoOf=*)'])), candidateIds);
  const pruned = candidates.map((r) => r.record.Id).filter((id) => !undone.has(id)).sort((a, b) => a - b);

  const blocks: string[] = [];
  let items = 0;
  for (const id of pruned) {
    for (const chunk of await changeLog.recordChunks(id, ['casChangeItem'])) {
      blocks.push(chunk.dn);
      items += chunk.values('casChangeItem').length;
    }
  }
  const result: PruneResult = {
    records: pruned.length,
    items,
    firstId: pruned[0] ?? null,
    lastId: pruned.at(-1) ?? null,
    keptPending: old.length - candidates.length,
    keptUndone: candidates.length - pruned.length,
    changeId: null,
  };
  if (record === undefined || pruned.length === 0) return result;

  const changeId = await changeLog.allocateId();
  await changeLog.createRecord(changeId, record(result));
  await changeLog.complete(changeId);
  const remove = async (dn: string): Promise<void> => {
    try {
      await connection.delete(dn);
    } catch (error) {
      // Another prune got there first.
      if (resultCode(error) !== ResultCode.NoSuchObject) throw connection.fail(error, `remove ${dn} from the change history`);
    }
  };
  await forEachConcurrently(blocks, target.concurrency, remove);
  await forEachConcurrently(pruned.map((id) => layout.changeRecordDn(id)), target.concurrency, remove);
  return { ...result, changeId };
}

async function searchRecords(target: PruneTarget, filter: string): Promise<ParsedRecord[]> {
  const records: ParsedRecord[] = [];
  const request = { base: target.layout.containerDn, scope: 'one' as const, filter, attributes: RECORD_ATTRIBUTES, missingBaseIsEmpty: true };
  for await (const page of target.connection.search(request)) {
    for (const entry of page) {
      const parsed = toRecord(entry);
      if (parsed !== null) records.push(parsed);
    }
  }
  return records;
}

/** The ids that records staying undid, and that those undid, and so on down the chain. */
function undoneByStaying(undos: readonly ParsedRecord[], candidates: ReadonlySet<number>): Set<number> {
  const undoOf = new Map(undos.map((r) => [r.record.Id, r.record.UndoOf]));
  const undone = new Set<number>();
  const next = undos.filter((r) => !candidates.has(r.record.Id)).map((r) => r.record.UndoOf);
  for (let id = next.pop(); id !== undefined; id = next.pop()) {
    if (id === null || undone.has(id)) continue;
    undone.add(id);
    next.push(undoOf.get(id) ?? null);
  }
  return undone;
}
