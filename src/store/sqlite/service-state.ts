import { NULLABLE_PROTOCOLS, PROTOCOLS } from '../../core/protocols.js';
import { settingColumn } from './setting-sql.js';
import { effectiveEnabledSql } from './administrator-sql.js';
import type { CasSettingName, PendingChanges, ServiceState } from '../directory-store.js';
import type { Db } from './connection.js';
import { loginNames } from '../login-names.js';

const effective = `CASE i.property ${PROTOCOLS.map((p) => `WHEN '${p.property}' THEN ${effectiveEnabledSql(p)}`).join(' ')} END`;

/**
 * The (mailbox, setting) pairs changes in a range of ids touched: their items, and for a change
 * of an organisation default, every mailbox that follows it now. That is a superset of those that
 * followed it then (a mailbox that stopped since has an item of its own), so nothing is missed.
 */
const TOUCHED = [
  'SELECT mailbox_id, property FROM change_items WHERE change_id > :after AND change_id <= :through',
  ...NULLABLE_PROTOCOLS.map(
    (p) => `SELECT f.id, c.property FROM transport_config_changes c JOIN mailboxes f ON f.${settingColumn(p)} IS NULL
     WHERE c.property = '${p.property}' AND c.change_id > :after AND c.change_id <= :through`,
  ),
].join(' UNION ');

export function pendingChanges(db: Db, afterChangeId: number): PendingChanges {
  const through = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM change_records').get()?.id ?? 0;
  if (through <= afterChangeId) return { throughChangeId: through, settings: [] };
  // Tab-joined: an address holds no whitespace (the import refuses it).
  const rows = db
    .prepare<[{ after: number; through: number }], { address: string; upn: string; addresses: string | null; property: string; enabled: number }>(
      `SELECT m.primary_smtp_address AS address, m.user_principal_name AS upn,
              (SELECT group_concat(e.address, char(9)) FROM email_addresses e WHERE e.mailbox_id = m.id) AS addresses,
              i.property, ${effective} AS enabled
       FROM (SELECT DISTINCT mailbox_id, property FROM (${TOUCHED})) i
       JOIN mailboxes m ON m.id = i.mailbox_id ORDER BY address, i.property`,
    )
    .all({ after: afterChangeId, through });
  return {
    throughChangeId: through,
    settings: rows.map((r) => ({
      PrimarySmtpAddress: r.address,
      logins: loginNames(r.address, r.upn, r.addresses === null ? [] : r.addresses.split('\t')),
      property: r.property as CasSettingName,
      enabled: r.enabled === 1,
    })),
  };
}

export function serviceStates(db: Db): Map<string, ServiceState> {
  const rows = db.prepare<[], { name: string; refreshed_through: number; refreshed_at: string }>('SELECT * FROM service_state').all();
  return new Map(rows.map((r) => [r.name, { refreshedThrough: r.refreshed_through, refreshedAt: r.refreshed_at }]));
}

/** Never moves a service's mark backwards: a slow refresh finishing late must not hide newer changes. */
export function markServicesRefreshed(db: Db, names: readonly string[], throughChangeId: number, when: Date): void {
  const upsert = db.prepare(
    `INSERT INTO service_state (name, refreshed_through, refreshed_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET refreshed_through = max(refreshed_through, excluded.refreshed_through), refreshed_at = excluded.refreshed_at`,
  );
  for (const name of names) upsert.run(name, throughChangeId, when.toISOString());
}
