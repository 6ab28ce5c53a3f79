import { PROTOCOLS } from '../../core/protocols.js';
import type { AppliedChange, CasSettingName, ChangeContext, ChangeItem, ChangeQuery, ChangeRecord, SettingWrite } from '../directory-store.js';
import type { Db } from './connection.js';

/**
 * Applies setting writes and their change record in SQL, set-based: each write is one
 * INSERT ... SELECT recording the rows about to change, joined on the Guid index straight from a
 * bound JSON array of Guids; then per setting one UPDATE flips exactly the recorded rows. Must run
 * inside a write transaction.
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
  const stamp = context.when.toISOString();
  for (const protocol of PROTOCOLS) {
    const column = protocol.column;
    const record = db.prepare(
      `INSERT OR IGNORE INTO change_items (change_id, mailbox_id, mailbox_guid, property, before, after)
       SELECT :changeId, m.id, m.guid, :property, m.${column}, :to
       FROM json_each(:guids) j JOIN mailboxes m ON m.guid = j.value
       WHERE m.${column} <> :to AND (:from IS NULL OR m.${column} = :from) AND NOT (m.is_administrator AND :to = 1)
       ORDER BY m.id`,
    );
    // A mailbox the later of two writes names is left out of the earlier one (casctl's own
    // commands never name a mailbox twice; the check costs nothing for a single write).
    const ofSetting = writes.filter((w) => w.property === protocol.property);
    const namedLater = new Set<string>();
    for (let i = ofSetting.length - 1; i >= 0; i--) {
      const write = ofSetting[i] as SettingWrite;
      const guids = namedLater.size === 0 ? write.guids : write.guids.filter((guid) => !namedLater.has(guid.toLowerCase()));
      if (i > 0) for (const guid of write.guids) namedLater.add(guid.toLowerCase());
      record.run({
        changeId,
        property: protocol.property,
        to: Number(write.to),
        from: write.from === undefined ? null : Number(write.from),
        guids: JSON.stringify(guids),
      });
    }
    // Only rows recorded above differ from their target, so flipping them sets them to it.
    db.prepare(
      `UPDATE mailboxes SET ${column} = 1 - ${column}, when_changed = ?
       WHERE id IN (SELECT mailbox_id FROM change_items WHERE change_id = ? AND property = ?)`,
    ).run(stamp, changeId, protocol.property);
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
