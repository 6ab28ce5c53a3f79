import { NULLABLE_PROTOCOLS, protocolOf, type NullableSettingName } from '../../core/protocols.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { AppliedChange, ChangeContext, TransportConfig, TransportConfigChange, TransportConfigWrite } from '../directory-store.js';
import { insertChangeRecord } from './changes.js';
import type { Db } from './connection.js';
import { DEFAULT_COLUMN, ENABLED_COLUMN } from '../sql/casctl-columns.js';
import { admitsSql, settingColumn } from './setting-sql.js';

/** The organisation defaults, from the one row of `transport_config`. */
export function transportConfig(db: Db): TransportConfig {
  const row = db.prepare<[], Record<string, number>>('SELECT * FROM transport_config WHERE id = 1').get();
  return Object.fromEntries(NULLABLE_PROTOCOLS.map((p) => [p.property, (row?.[DEFAULT_COLUMN[p.name]] ?? 0) === 1])) as TransportConfig;
}

/**
 * Sets an organisation default, records it, and turns the effective flag of every mailbox that
 * follows it, in the caller's transaction: all of it commits, or none. Only the mailboxes whose
 * flag differs are written, a statement over the index of those that follow the default.
 */
export function setTransportConfig(db: Db, write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): AppliedChange {
  const protocol = protocolOf(write.property);
  const column = DEFAULT_COLUMN[protocol.name as keyof typeof DEFAULT_COLUMN];
  const before = transportConfig(db)[write.property];
  if (before === write.to || (write.from !== undefined && before !== write.from)) return { changeId: null, mailboxes: 0, settings: 0 };
  const changeId = insertChangeRecord(db, context);
  db.prepare('INSERT INTO transport_config_changes (change_id, property, before, after) VALUES (?, ?, ?, ?)').run(changeId, write.property, Number(before), Number(write.to));
  db.prepare(`UPDATE transport_config SET ${column} = ? WHERE id = 1`).run(Number(write.to));
  const enabled = ENABLED_COLUMN[protocol.name];
  const admitted = `${admitsSql(protocol, 'NULL')}`;
  progress?.phase('Applying', 'mailboxes');
  const mailboxes = db
    .prepare(`UPDATE mailboxes SET ${enabled} = ${admitted} WHERE ${settingColumn(protocol)} IS NULL AND ${enabled} <> ${admitted}`)
    .run().changes;
  progress?.tick(mailboxes);
  return { changeId, mailboxes, settings: 1 };
}

/** The organisation defaults change `changeId` set, if any. */
export function transportConfigChanges(db: Db): (changeId: number) => TransportConfigChange[] {
  const read = db.prepare<[number], { property: string; before: number; after: number }>(
    'SELECT property, before, after FROM transport_config_changes WHERE change_id = ? ORDER BY property',
  );
  return (changeId) =>
    read.all(changeId).map((r) => ({ Property: r.property as NullableSettingName, Before: r.before === 1, After: r.after === 1 }));
}
