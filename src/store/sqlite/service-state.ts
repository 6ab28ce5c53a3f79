import { PROTOCOLS } from '../../core/protocols.js';
import type { CasSettingName, PendingChanges, ServiceState } from '../directory-store.js';
import type { Db } from './connection.js';

const current = `CASE i.property ${PROTOCOLS.map((p) => `WHEN '${p.property}' THEN m.${p.column}`).join(' ')} END`;

export function pendingChanges(db: Db, afterChangeId: number): PendingChanges {
  const through = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM change_records').get()?.id ?? 0;
  const rows = db
    .prepare<[number, number], { address: string; property: string; enabled: number }>(
      `SELECT DISTINCT m.primary_smtp_address AS address, i.property, (${current}) AND NOT m.is_administrator AS enabled
       FROM change_items i JOIN mailboxes m ON m.id = i.mailbox_id
       WHERE i.change_id > ? AND i.change_id <= ? ORDER BY address, i.property`,
    )
    .all(afterChangeId, through);
  return {
    throughChangeId: through,
    settings: rows.map((r) => ({ PrimarySmtpAddress: r.address, property: r.property as CasSettingName, enabled: r.enabled === 1 })),
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
