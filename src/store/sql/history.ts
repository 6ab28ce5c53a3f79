import { fold } from '../../core/mailbox.js';
import type { NullableSettingName } from '../../core/protocols.js';
import { inChangeOrder, inPlanChangeOrder } from '../change-order.js';
import { ChangePager } from '../change-pager.js';
import { CHANGE_PAGE, type CasSettingName, type ChangeQuery, type ChangeRecord, type TransportConfigChange } from '../directory-store.js';
import type { SqlRow, SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { planItemsOf } from './plans.js';
import { Params } from './params.js';

const flagOrNull = (value: unknown): boolean | null => (value === null ? null : Number(value) === 1);

/**
 * The records a query selects, oldest first, in pages (CHANGE_PAGE): the records a page of ids at
 * a time (keyed on the id, so no cursor stays open while the caller awaits), and each record's
 * items with one statement of their own.
 */
export async function* changeRecordPages(session: SqlSession, layout: SqlLayout, query: ChangeQuery): AsyncGenerator<ChangeRecord[]> {
  const { dialect, schema } = layout;
  const guids = query.guids?.map(fold);
  const itemGuids = (p: Params): string => (guids === undefined ? '' : ` AND ${p.in(dialect.fold('i.mailbox_guid'), guids)}`);
  let after = 0;
  for (;;) {
    const p = new Params(dialect);
    const where = [`r.id > ${p.add(after, 'int')}`];
    if (query.id !== undefined) where.push(`r.id = ${p.add(query.id, 'int')}`);
    if (query.since !== undefined) where.push(`r.when_changed >= ${p.add(query.since.toISOString(), 'text')}`);
    if (guids !== undefined) where.push(`EXISTS (SELECT 1 FROM change_items i WHERE i.change_id = r.id${itemGuids(p)})`);
    const rows = await session.query(
      `SELECT r.id, r.when_changed, r.os_user, r.sudo_user, r.host, r.command_line, r.undo_of FROM change_records r
       WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT ${p.add(CHANGE_PAGE.records, 'int')}`,
      p.values,
    );
    const pager = new ChangePager();
    for (const row of rows) {
      const full = pager.add(await readRecord(session, layout, row, itemGuids, guids !== undefined));
      if (full !== null) yield full;
    }
    const rest = pager.rest();
    if (rest !== null) yield rest;
    const last = rows.at(-1);
    if (last === undefined || rows.length < CHANGE_PAGE.records) return;
    after = dialect.readInt(last.id);
  }

  async function readRecord(s: SqlSession, l: SqlLayout, row: SqlRow, filter: (p: Params) => string, mailboxItemsOnly: boolean): Promise<ChangeRecord> {
    const id = dialect.readInt(row.id);
    const p = new Params(dialect);
    const text = schema.mailboxes.text;
    const items = await s.query(
      `SELECT i.mailbox_guid, ${l.m(text.Name)} AS name, ${l.m(text.PrimarySmtpAddress)} AS address, i.property, i.before_value, i.after_value
       FROM change_items i LEFT JOIN ${l.mailboxes} m ON ${l.id} = i.mailbox_id
       WHERE i.change_id = ${p.add(id, 'int')}${filter(p)}`,
      p.values,
    );
    const defaults = await transportConfigChanges(s, l, id);
    return {
      ...(defaults.length > 0 ? { TransportConfig: defaults } : {}),
      Id: id,
      WhenChanged: row.when_changed as string,
      User: row.os_user as string,
      SudoUser: row.sudo_user as string | null,
      Host: row.host as string,
      CommandLine: row.command_line as string,
      UndoOf: row.undo_of === null ? null : dialect.readInt(row.undo_of),
      // One transaction: a record exists only once its change is whole.
      State: 'Complete',
      Changes: inChangeOrder(
        items.map((item) => ({
          Guid: item.mailbox_guid as string,
          Name: (item.name ?? null) as string | null,
          PrimarySmtpAddress: (item.address ?? null) as string | null,
          Property: item.property as CasSettingName,
          Before: flagOrNull(item.before_value),
          After: flagOrNull(item.after_value),
        })),
      ),
      // Asked for mailboxes' items only, a record's plan items are none of them.
      PlanChanges: mailboxItemsOnly ? [] : inPlanChangeOrder(await planItemsOf(s, l, id)),
    };
  }
}

/** The organisation defaults change `changeId` set, if any. */
export async function transportConfigChanges(session: SqlSession, layout: SqlLayout, changeId: number): Promise<TransportConfigChange[]> {
  const rows = await session.query(
    `SELECT property, before_value, after_value FROM transport_config_changes WHERE change_id = ${layout.dialect.placeholder(1, 'int')} ORDER BY property`,
    [changeId],
  );
  return rows.map((r) => ({ Property: r.property as NullableSettingName, Before: Number(r.before_value) === 1, After: Number(r.after_value) === 1 }));
}
