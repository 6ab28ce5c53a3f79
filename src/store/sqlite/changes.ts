import { PROTOCOLS } from '../../core/protocols.js';
import type { AppliedChange, CasSettingName, ChangeContext, ChangeItem, ChangeQuery, ChangeRecord, SettingWrite } from '../directory-store.js';
import type { Db } from './connection.js';

/**
 * Applies setting writes and their change record in SQL, set-based: the writes go into a temp
 * table once, then per protocol one INSERT ... SELECT records the rows about to change and one
 * UPDATE flips exactly those. Must run inside a write transaction.
 */
export function applyCasChanges(db: Db, writes: readonly SettingWrite[], context: ChangeContext): AppliedChange {
  const changeId = Number(
    db
      .prepare(
        `INSERT INTO change_records (when_changed, os_user, sudo_user, host, command_line, undo_of)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(context.when.toISOString(), context.osUser, context.sudoUser, context.host, context.commandLine, context.undoOf ?? null)
      .lastInsertRowid,
  );
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS pending_writes (
    mailbox_id INTEGER NOT NULL, property TEXT NOT NULL, to_value INTEGER NOT NULL, from_value INTEGER,
    PRIMARY KEY (mailbox_id, property)) WITHOUT ROWID`);
  db.exec('DELETE FROM temp.pending_writes');
  // Sorted by Guid, the lookups walk the Guid index in order instead of jumping about it.
  const tuples = writes
    .map((w) => [w.Guid.toLowerCase(), w.property, Number(w.to), w.from === undefined ? null : Number(w.from)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  db.prepare(
    `INSERT OR REPLACE INTO temp.pending_writes (mailbox_id, property, to_value, from_value)
     SELECT m.id, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) j JOIN mailboxes m ON m.guid = j.value ->> 0`,
  ).run(JSON.stringify(tuples));
  const stamp = context.when.toISOString();
  for (const protocol of PROTOCOLS) {
    const column = protocol.column;
    db.prepare(
      `INSERT INTO change_items (change_id, mailbox_id, mailbox_guid, property, before, after)
       SELECT ?, m.id, m.guid, w.property, m.${column}, w.to_value
       FROM temp.pending_writes w JOIN mailboxes m ON m.id = w.mailbox_id
       WHERE w.property = ? AND m.${column} <> w.to_value AND (w.from_value IS NULL OR m.${column} = w.from_value)
         AND NOT (m.is_administrator AND w.to_value = 1)`,
    ).run(changeId, protocol.property);
    // Only rows recorded above differ from their target, so flipping them sets them to it.
    db.prepare(
      `UPDATE mailboxes SET ${column} = 1 - ${column}, when_changed = ?
       WHERE id IN (SELECT mailbox_id FROM change_items WHERE change_id = ? AND property = ?)`,
    ).run(stamp, changeId, protocol.property);
  }
  db.exec('DELETE FROM temp.pending_writes');
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
  return { changeId, ...counts };
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

interface ItemRow {
  change_id: number;
  mailbox_guid: string;
  name: string | null;
  primary_smtp_address: string | null;
  property: string;
  before: number;
  after: number;
}

export function getChangeRecords(db: Db, query: ChangeQuery): ChangeRecord[] {
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
  const records = db
    .prepare<(string | number)[], RecordRow>(`SELECT * FROM change_records r WHERE ${where.join(' AND ')} ORDER BY r.id`)
    .all(...params);
  const items = db.prepare<(string | number)[], ItemRow>(
    `SELECT i.change_id, i.mailbox_guid, m.name, m.primary_smtp_address, i.property, i.before, i.after
     FROM change_items i LEFT JOIN mailboxes m ON m.id = i.mailbox_id
     WHERE i.change_id = ?${guidFilter} ORDER BY m.name, i.mailbox_guid, i.property DESC`,
  );
  return records.map((r) => ({
    Id: r.id,
    WhenChanged: r.when_changed,
    User: r.os_user,
    SudoUser: r.sudo_user,
    Host: r.host,
    CommandLine: r.command_line,
    UndoOf: r.undo_of,
    Changes: items.all(r.id, ...guidParams).map(
      (i): ChangeItem => ({
        Guid: i.mailbox_guid,
        Name: i.name,
        PrimarySmtpAddress: i.primary_smtp_address,
        Property: i.property as CasSettingName,
        Before: i.before === 1,
        After: i.after === 1,
      }),
    ),
  }));
}
