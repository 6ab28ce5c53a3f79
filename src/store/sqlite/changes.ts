import { PROTOCOLS, isNullable, type Protocol } from '../../core/protocols.js';
import type { LatestWrites } from '../../core/setting-writes.js';
import { ENABLED_COLUMN } from '../sql/casctl-columns.js';
import { refusesWriteSql } from './administrator-sql.js';
import { admitsSql, settingColumn, settingSql } from './setting-sql.js';
import { inChangeOrder, inPlanChangeOrder } from '../change-order.js';
import { ChangePager } from '../change-pager.js';
import { planItemsOf } from './mailbox-plans.js';
import { CHANGE_PAGE, type AppliedChange, type CasSettingName, type ChangeContext, type ChangeItem, type ChangeQuery, type ChangeRecord, type PlanChangeItem, type TransportConfigChange } from '../directory-store.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { Db } from './connection.js';
import { transportConfigChanges } from './transport-config.js';

/** Guids per statement that records a write: one tick of a progress bar, so it moves inside the transaction. */
const GUIDS_PER_STATEMENT = 1000;
/** Mailboxes per statement that flips the recorded settings, for the same reason. */
const ROWS_PER_UPDATE = 1000;

/**
 * Applies setting writes and their change record in SQL, set-based: each write is recorded with
 * INSERT ... SELECT statements of the rows about to change, joined on the Guid index straight
 * from a bound JSON array of Guids; then per setting UPDATEs flip exactly the recorded rows, a
 * range of mailbox ids each. Must run inside a write transaction. Progress: "Writing history"
 * counts the settings checked, "Applying" the settings changed.
 */
export function applyCasChanges(db: Db, writes: LatestWrites, context: ChangeContext, progress?: ProgressSink): AppliedChange {
  const changeId = insertChangeRecord(db, context);
  progress?.phase('Writing history', 'settings', writes.reduce((n, write) => n + write.guids.length, 0));
  for (const protocol of PROTOCOLS) {
    const column = settingColumn(protocol);
    // Compared as read, as the plan compared them: the Administrator reads disabled whatever its
    // row holds, so disabling it is no change, and enabling it is refused. IS, as a nullable
    // setting's $null is a value of its own.
    const current = settingSql(protocol);
    const record = db.prepare(
      `INSERT OR IGNORE INTO change_items (change_id, mailbox_id, mailbox_guid, property, before, after)
       SELECT :changeId, m.id, m.guid, :property, m.${column}, :to
       FROM json_each(:guids) j JOIN mailboxes m ON m.guid = j.value
       WHERE ${current} IS NOT :to AND (:anyFrom OR ${current} IS :from) AND NOT ${refusesWriteSql(protocol, ':to')}
       ORDER BY m.id`,
    );
    for (const write of writes) {
      if (write.property !== protocol.property) continue;
      for (let i = 0; i < write.guids.length; i += GUIDS_PER_STATEMENT) {
        const guids = write.guids.slice(i, i + GUIDS_PER_STATEMENT);
        record.run({
          changeId,
          property: protocol.property,
          to: sqlValue(write.to),
          anyFrom: Number(write.from === undefined),
          from: write.from === undefined ? null : sqlValue(write.from),
          guids: JSON.stringify(guids),
        });
        progress?.tick(guids.length);
      }
    }
  }
  const counts = db
    .prepare<[number], { settings: number; mailboxes: number }>(
      'SELECT count(*) AS settings, count(DISTINCT mailbox_id) AS mailboxes FROM change_items WHERE change_id = ?',
    )
    .get(changeId) ?? { settings: 0, mailboxes: 0 };
  if (counts.settings === 0) {
    // Nothing changed, so there is nothing to list or undo.
    db.prepare('DELETE FROM change_records WHERE id = ?').run(changeId);
    return { changeId: null, mailboxes: 0, settings: 0 };
  }
  progress?.phase('Applying', 'settings', counts.settings);
  const stamp = context.when.toISOString();
  // Only the settings written: one that is not has nothing recorded to set (and ticks nothing).
  for (const protocol of PROTOCOLS) {
    if (writes.some((w) => w.property === protocol.property)) setRecorded(db, changeId, protocol, stamp, progress);
  }
  return { changeId, ...counts };
}

/** Records who changed what, from where, as a new change record; returns its id. */
export function insertChangeRecord(db: Db, context: ChangeContext): number {
  return Number(
    db
      .prepare(
        `INSERT INTO change_records (when_changed, os_user, sudo_user, host, command_line, undo_of)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(context.when.toISOString(), context.osUser, context.sudoUser, context.host, context.commandLine, context.undoOf ?? null)
      .lastInsertRowid,
  );
}

/** A setting value as SQLite holds it: 1, 0, or NULL. */
export const sqlValue = (value: boolean | null): number | null => (value === null ? null : Number(value));

/**
 * What setting the recorded rows of a protocol to their target does to the row (no alias: an
 * UPDATE's own table). An Enabled setting: only rows recorded differ from the target, so flipping
 * them sets them to it. A nullable one: the recorded after value, and the effective flag it makes.
 */
function assignments(protocol: Protocol): string {
  const column = settingColumn(protocol);
  if (!isNullable(protocol)) return `${column} = 1 - ${column}`;
  const after = '(SELECT i.after FROM change_items i WHERE i.change_id = :changeId AND i.property = :property AND i.mailbox_id = mailboxes.id)';
  return `${column} = ${after}, ${ENABLED_COLUMN[protocol.name]} = ${admitsSql(protocol, after)}`;
}

/**
 * Sets the recorded rows of one setting to their target, a range of ROWS_PER_UPDATE recorded
 * mailbox ids at a time, each range found on the change_items key.
 */
function setRecorded(db: Db, changeId: number, protocol: Protocol, stamp: string, progress: ProgressSink | undefined): void {
  const property: CasSettingName = protocol.property;
  const rangeEnd = db
    .prepare<[number, string, number], number>(
      `SELECT mailbox_id FROM change_items WHERE change_id = ? AND property = ? AND mailbox_id > ? ORDER BY mailbox_id LIMIT 1 OFFSET ${ROWS_PER_UPDATE - 1}`,
    )
    .pluck();
  const set = db.prepare<[{ stamp: string; changeId: number; property: string; after: number; end: number }]>(
    `UPDATE mailboxes SET ${assignments(protocol)}, when_changed = :stamp
     WHERE id IN (SELECT mailbox_id FROM change_items WHERE change_id = :changeId AND property = :property AND mailbox_id > :after AND mailbox_id <= :end)`,
  );
  for (let after = 0; ;) {
    const end = rangeEnd.get(changeId, property, after);
    const flipped = set.run({ stamp, changeId, property, after, end: end ?? Number.MAX_SAFE_INTEGER }).changes;
    // A setting no write of this change touched flips nothing: no tick, so the bar's ticks do not depend on the registry.
    if (flipped > 0) progress?.tick(flipped);
    if (end === undefined) return;
    after = end;
  }
}

interface RecordRow {
  id: number;
  when_changed: string;
  os_user: string;
  sudo_user: string | null;
  host: string;
  command_line: string;
  undo_of: number | null;
}

/** Guid, Name, PrimarySmtpAddress, Property, Before, After: raw rows, as a 100k-item record reads 100k of them. */
type ItemRow = [string, string | null, string | null, string, number | null, number | null];

/**
 * The records a query selects, oldest first, in pages (CHANGE_PAGE): the records a page of ids at
 * a time (keyed on the id, as findMailboxes keys on the rowid, so no cursor stays open while the
 * caller awaits), and each record's items with one statement of their own.
 */
export function* changeRecordPages(db: Db, query: ChangeQuery): Generator<ChangeRecord[]> {
  const where: string[] = ['1'];
  const params: (string | number)[] = [];
  if (query.id !== undefined) {
    where.push('r.id = ?');
    params.push(query.id);
  }
  if (query.since !== undefined) {
    where.push('r.when_changed >= ?');
    params.push(query.since.toISOString());
  }
  const guidFilter = query.guids === undefined ? '' : ' AND i.mailbox_guid IN (SELECT value FROM json_each(?))';
  const guidParams = query.guids === undefined ? [] : [JSON.stringify(query.guids)];
  if (query.guids !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM change_items i WHERE i.change_id = r.id${guidFilter})`);
    params.push(...guidParams);
  }
  const records = db.prepare<(string | number)[], RecordRow>(
    `SELECT * FROM change_records r WHERE ${where.join(' AND ')} AND r.id > ? ORDER BY r.id LIMIT ?`,
  );
  const items = db
    .prepare<(string | number)[], ItemRow>(
      `SELECT i.mailbox_guid, m.name, m.primary_smtp_address, i.property, i.before, i.after
       FROM change_items i LEFT JOIN mailboxes m ON m.id = i.mailbox_id
       WHERE i.change_id = ?${guidFilter} ORDER BY m.name, i.mailbox_guid`,
    )
    .raw(true);
  // Asked for mailboxes' items only, a record's plan items are none of them.
  const planItems = query.guids === undefined ? planItemsOf(db) : () => [];
  const defaults = transportConfigChanges(db);
  let after = 0;
  for (;;) {
    const rows = records.all(...params, after, CHANGE_PAGE.records);
    const pager = new ChangePager();
    for (const row of rows) {
      const full = pager.add(toChangeRecord(row, items.all(row.id, ...guidParams), planItems(row.id), defaults(row.id)));
      if (full !== null) yield full;
    }
    const rest = pager.rest();
    if (rest !== null) yield rest;
    const last = rows.at(-1);
    if (last === undefined || rows.length < CHANGE_PAGE.records) return;
    after = last.id;
  }
}

function toChangeRecord(r: RecordRow, items: readonly ItemRow[], planItems: PlanChangeItem[], defaults: TransportConfigChange[]): ChangeRecord {
  return {
    ...(defaults.length > 0 ? { TransportConfig: defaults } : {}),
    Id: r.id,
    WhenChanged: r.when_changed,
    User: r.os_user,
    SudoUser: r.sudo_user,
    Host: r.host,
    CommandLine: r.command_line,
    UndoOf: r.undo_of,
    // One transaction: a record exists only once its change is whole.
    State: 'Complete',
    // The query's ORDER BY only makes the shared sort cheap (it finds the rows nearly in order);
    // the order itself is decided in one place for every store.
    Changes: inChangeOrder(items.map(
      ([guid, name, address, property, before, after]): ChangeItem => ({
        Guid: guid,
        Name: name,
        PrimarySmtpAddress: address,
        Property: property as CasSettingName,
        Before: before === null ? null : before === 1,
        After: after === null ? null : after === 1,
      }),
    )),
    PlanChanges: inPlanChangeOrder(planItems),
  };
}
