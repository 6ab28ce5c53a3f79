import { fold } from '../../core/mailbox.js';
import { PROTOCOLS, isNullable, type NullableProtocol, type Protocol } from '../../core/protocols.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { LatestWrites } from '../../core/setting-writes.js';
import type { AppliedChange, ChangeContext } from '../directory-store.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { Params } from './params.js';

/** Guids per statement that records a write: one tick of a progress bar, so it moves inside the transaction. */
const GUIDS_PER_STATEMENT = 10_000;

/** A setting value as the SQL store holds it: 1, 0, or NULL. */
export const sqlValue = (value: boolean | null): number | null => (value === null ? null : Number(value));

/** Records who changed what, from where, as a new change record; returns its id (from the sequence, so ids only grow). */
export function insertChangeRecord(session: SqlSession, layout: SqlLayout, context: ChangeContext, undoOf: number | null = context.undoOf ?? null): Promise<number> {
  const p = new Params(layout.dialect);
  const values = [
    p.add(context.when.toISOString(), 'text'), p.add(context.osUser, 'text'), p.add(context.sudoUser, 'text'), p.add(context.host, 'text'),
    p.add(context.commandLine, 'text'), p.add(undoOf, 'int'),
  ];
  return session.insertId(`INSERT INTO change_records (when_changed, os_user, sudo_user, host, command_line, undo_of) VALUES (${values.join(', ')})`, p.values);
}

/**
 * Applies setting writes and their change record, set-based, inside the caller's write
 * transaction: each write is recorded by INSERT ... SELECT of the rows about to change (a bound
 * list of Guids, 10,000 a statement), then one UPDATE per setting sets exactly the recorded rows
 * to their recorded after value. The compare is on the value as read (the Administrator reads
 * disabled, so disabling it is no change and enabling it is refused). Progress: "Writing
 * history" counts the settings checked, "Applying" the settings changed.
 */
export async function applyCasChanges(session: SqlSession, layout: SqlLayout, writes: LatestWrites, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
  const { dialect, schema } = layout;
  const changeId = await insertChangeRecord(session, layout, context);
  progress?.phase('Writing history', 'settings', writes.reduce((n, write) => n + write.guids.length, 0));
  for (const protocol of PROTOCOLS) {
    const current = layout.settingValue(protocol);
    for (const write of writes) {
      if (write.property !== protocol.property) continue;
      for (let i = 0; i < write.guids.length; i += GUIDS_PER_STATEMENT) {
        const guids = write.guids.slice(i, i + GUIDS_PER_STATEMENT);
        const p = new Params(dialect);
        const to = sqlValue(write.to);
        await session.execute(
          `INSERT INTO change_items (change_id, mailbox_id, mailbox_guid, property, before_value, after_value)
           SELECT ${p.add(changeId, 'int')}, ${layout.id}, ${layout.m(schema.mailboxes.text.Guid)}, ${p.add(protocol.property, 'text')}, ${layout.m(layout.settingColumn(protocol))}, ${p.add(to, 'int')}
           FROM ${layout.mailboxes} m
           WHERE ${p.in(dialect.fold(layout.m(schema.mailboxes.text.Guid)), guids.map(fold))}
             AND ${dialect.distinct(current, p.add(to, 'int'))}${write.from === undefined ? '' : ` AND NOT ${dialect.distinct(current, p.add(sqlValue(write.from), 'int'))}`}
             AND NOT ${layout.refusesWriteCondition(protocol, () => p.add(to, 'int'))}`,
          p.values,
        );
        progress?.tick(guids.length);
      }
    }
  }
  const [counts] = await session.query(
    `SELECT count(*) AS settings, count(DISTINCT mailbox_id) AS mailboxes FROM change_items WHERE change_id = ${dialect.placeholder(1, 'int')}`,
    [changeId],
  );
  const settings = dialect.readInt(counts?.settings ?? 0);
  if (settings === 0) {
    // Nothing changed, so there is nothing to list or undo.
    await session.execute(`DELETE FROM change_records WHERE id = ${dialect.placeholder(1, 'int')}`, [changeId]);
    return { changeId: null, mailboxes: 0, settings: 0 };
  }
  progress?.phase('Applying', 'settings', settings);
  const stamp = context.when.toISOString();
  for (const protocol of PROTOCOLS) {
    if (!writes.some((w) => w.property === protocol.property)) continue;
    const flipped = await setRecorded(session, layout, changeId, protocol, stamp);
    if (flipped > 0) progress?.tick(flipped);
  }
  return { changeId, mailboxes: dialect.readInt(counts?.mailboxes ?? 0), settings };
}

/**
 * Sets the rows recorded for one setting to their recorded after value (every switch column of
 * it, and a nullable one's effective flags), joined to the change's items in one statement.
 */
async function setRecorded(session: SqlSession, layout: SqlLayout, changeId: number, protocol: Protocol, stamp: string): Promise<number> {
  const { dialect, schema } = layout;
  const p = new Params(dialect);
  const items = `(SELECT mailbox_id, after_value, ${p.add(stamp, 'text')} AS stamp FROM change_items WHERE change_id = ${p.add(changeId, 'int')} AND property = ${p.add(protocol.property, 'text')}) i`;
  const enabled = schema.mailboxes.enabled[protocol.name];
  const assignments: [string, string][] = isNullable(protocol)
    ? [[layout.q(schema.mailboxes.setting[protocol.name as NullableProtocol['name']]), 'i.after_value'], ...enabled.map((c): [string, string] => [layout.q(c), layout.admitsValue(protocol, 'i.after_value')])]
    : enabled.map((c): [string, string] => [layout.q(c), 'i.after_value']);
  assignments.push([layout.q(schema.mailboxes.whenChanged), 'i.stamp']);
  return session.execute(dialect.updateJoin(layout.mailboxes, 'm', items, `i.mailbox_id = ${layout.id}`, assignments), p.values);
}
