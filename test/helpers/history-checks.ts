/** Checks that a SQLite store's change history explains its current state: no update was lost. */
import Database from 'better-sqlite3';

/** set-casmailbox selections over bigStore() that overlap one another: concurrent admins on the same mailboxes. */
export const OVERLAPPING_WRITERS: readonly string[][] = [
  ['--filter', "Department -eq 'Dept 1'", '--pop-enabled', 'false'],
  ['--filter', "StateOrProvince -eq 'S1'", '--pop-enabled', 'true', '--imap-enabled', 'false'],
  ['--filter', "Department -eq 'Dept 1' -or Department -eq 'Dept 2'", '--imap-enabled', 'true'],
  ['--organizational-unit', 'Region 1', '--pop-enabled', 'false'],
  ['--filter', "StateOrProvince -eq 'S1' -or StateOrProvince -eq 'S27'", '--pop-enabled', 'true'],
  ['--organizational-unit', 'big.example/Region 3', '--imap-enabled', 'false', '--pop-enabled', 'false'],
];

export interface HistoryCheck {
  /** (Guid, property) whose last recorded After is not what the store holds. */
  mismatches: unknown[];
  /** Mailboxes with a protocol off and no change of it recorded (they all start enabled). */
  unexplained: number;
  /** Consecutive items of one (mailbox, property) whose Before is not the previous After. */
  broken: number;
}

export function checkHistory(store: string): HistoryCheck {
  const db = new Database(store, { readonly: true });
  try {
    const mismatches = db
      .prepare(
        `SELECT m.guid, i.property, i.after, m.pop_enabled, m.imap_enabled FROM change_items i
         JOIN mailboxes m ON m.id = i.mailbox_id
         WHERE i.change_id = (SELECT max(change_id) FROM change_items j WHERE j.mailbox_id = i.mailbox_id AND j.property = i.property)
           AND i.after <> CASE i.property WHEN 'PopEnabled' THEN m.pop_enabled ELSE m.imap_enabled END`,
      )
      .all();
    const unexplained = db
      .prepare(
        `SELECT count(*) AS n FROM mailboxes m WHERE NOT m.is_administrator AND (
           (m.pop_enabled = 0 AND NOT EXISTS (SELECT 1 FROM change_items i WHERE i.mailbox_id = m.id AND i.property = 'PopEnabled'))
        OR (m.imap_enabled = 0 AND NOT EXISTS (SELECT 1 FROM change_items i WHERE i.mailbox_id = m.id AND i.property = 'ImapEnabled')))`,
      )
      .get() as { n: number };
    const broken = db
      .prepare(
        `SELECT count(*) AS n FROM change_items a JOIN change_items b ON a.mailbox_id = b.mailbox_id AND a.property = b.property
           AND b.change_id = (SELECT min(change_id) FROM change_items c WHERE c.mailbox_id = a.mailbox_id AND c.property = a.property AND c.change_id > a.change_id)
         WHERE b.before <> a.after`,
      )
      .get() as { n: number };
    return { mismatches, unexplained: unexplained.n, broken: broken.n };
  } finally {
    db.close();
  }
}
