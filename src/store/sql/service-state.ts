import { NULLABLE_PROTOCOLS, PROTOCOLS, type NullableProtocol } from '../../core/protocols.js';
import { loginNames } from '../login-names.js';
import type { CasSettingName, PendingChanges, ServiceState } from '../directory-store.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { Params } from './params.js';

/** The newest change id (0 for an empty history). */
export async function newestChangeId(session: SqlSession, layout: SqlLayout): Promise<number> {
  const [row] = await session.query('SELECT max(id) AS id FROM change_records');
  return row?.id === null || row?.id === undefined ? 0 : layout.dialect.readInt(row.id);
}

/**
 * The settings changed after `afterChangeId`, one per mailbox and setting, with the value each
 * holds now: the items of the changes since, and for a change of an organisation default every
 * mailbox that follows it now (a superset of those that followed it then: a mailbox that
 * stopped since has an item of its own).
 */
export async function pendingChanges(session: SqlSession, layout: SqlLayout, afterChangeId: number): Promise<PendingChanges> {
  const { dialect, schema } = layout;
  const through = await newestChangeId(session, layout);
  if (through <= afterChangeId) return { throughChangeId: through, settings: [] };
  const p = new Params(dialect);
  const range = (column: string): string => `${column} > ${p.add(afterChangeId, 'int')} AND ${column} <= ${p.add(through, 'int')}`;
  // What Dovecot admits now: the effective flags (for a nullable setting too), the Administrator rule applied.
  const effective = `CASE i.property ${PROTOCOLS.map((pr) => `WHEN ${p.add(pr.property, 'text')} THEN (CASE WHEN ${layout.enabledCondition(pr)} THEN 1 ELSE 0 END)`).join(' ')} END`;
  // Built after the select list: a `?` engine binds in the order the text uses them.
  const touched = [
    `SELECT mailbox_id, property FROM change_items WHERE ${range('change_id')}`,
    ...NULLABLE_PROTOCOLS.map(
      (n) => `SELECT f.${layout.q(schema.mailboxes.id)}, c.property FROM transport_config_changes c
       JOIN ${layout.mailboxes} f ON f.${layout.q(schema.mailboxes.setting[n.name as NullableProtocol['name']])} IS NULL
       WHERE c.property = ${p.add(n.property, 'text')} AND ${range('c.change_id')}`,
    ),
  ].join(' UNION ');
  const { table, mailboxId, address } = schema.addresses;
  const text = schema.mailboxes.text;
  const rows = await session.query(
    `SELECT ${layout.m(text.PrimarySmtpAddress)} AS address, ${layout.m(text.UserPrincipalName)} AS upn,
            (SELECT ${dialect.listAggregate(`e.${layout.q(address)}`, `e.${layout.q(address)}`)} FROM ${layout.q(table)} e WHERE e.${layout.q(mailboxId)} = ${layout.id}) AS addresses,
            i.property, ${effective} AS enabled
     FROM (SELECT DISTINCT mailbox_id, property FROM (${touched}) t) i
     JOIN ${layout.mailboxes} m ON ${layout.id} = i.mailbox_id`,
    p.values,
  );
  const settings = rows.map((r) => ({
    PrimarySmtpAddress: r.address as string,
    logins: loginNames(r.address as string, (r.upn ?? null) as string | null, dialect.readList(r.addresses)),
    property: r.property as CasSettingName,
    enabled: Number(r.enabled) === 1,
  }));
  // Code point order, as SQLite's BINARY orders them.
  settings.sort((a, b) => (a.PrimarySmtpAddress < b.PrimarySmtpAddress ? -1 : a.PrimarySmtpAddress > b.PrimarySmtpAddress ? 1 : a.property < b.property ? -1 : a.property > b.property ? 1 : 0));
  return { throughChangeId: through, settings };
}

export async function serviceStates(session: SqlSession, layout: SqlLayout): Promise<Map<string, ServiceState>> {
  const rows = await session.query('SELECT name, refreshed_through, refreshed_at FROM service_state');
  return new Map(rows.map((r) => [r.name as string, { refreshedThrough: layout.dialect.readInt(r.refreshed_through), refreshedAt: r.refreshed_at as string }]));
}

/** Never moves a service's mark backwards: a slow refresh finishing late must not hide newer changes. */
export async function markServicesRefreshed(session: SqlSession, layout: SqlLayout, names: readonly string[], throughChangeId: number, when: Date): Promise<void> {
  const d = layout.dialect;
  const upsert = d.upsert(
    `INSERT INTO service_state (name, refreshed_through, refreshed_at) VALUES (${d.placeholder(1, 'text')}, ${d.placeholder(2, 'int')}, ${d.placeholder(3, 'text')})`,
    ['name'],
    (inserted) => `refreshed_through = GREATEST(service_state.refreshed_through, ${inserted('refreshed_through')}), refreshed_at = ${inserted('refreshed_at')}`,
  );
  for (const name of names) await session.execute(upsert, [name, throughChangeId, when.toISOString()]);
}
