// Checks, outside the timings, that casctl and its reference did the same work: the same rows in
// the same tables after an import, the same rows changed and recorded after a bulk set. A ratio
// between two programs doing different work would mean nothing, so a failed check is printed
// next to the figures (the benchmark asserts nothing).
import Database from 'better-sqlite3';

/**
 * Cheap aggregates (one table scan, ~1 s at 1M rows) over every column both importers fill: row
 * counts, total lengths, sums of first characters, flag counts. Guids and timestamps differ by nature.
 */
export function storeFingerprint(path) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const text = ['distinguished_name', 'name', 'display_name', 'alias', 'sam_account_name', 'user_principal_name',
      'primary_smtp_address', 'organizational_unit', 'department', 'state_or_province', 'recipient_type_details'];
    const mailboxes = db
      .prepare(
        `SELECT count(*) AS rows, ${text.map((c) => `sum(length(${c})) AS ${c}, sum(unicode(${c})) AS first_${c}`).join(', ')},
           sum(pop_enabled) AS pop_enabled, sum(imap_enabled) AS imap_enabled, sum(is_administrator) AS is_administrator,
           sum(length(guid) = 36) AS guids
         FROM mailboxes`,
      )
      .get();
    const addresses = db
      .prepare(
        `SELECT count(*) AS rows, sum(e.address = m.primary_smtp_address) AS primary_rows
         FROM email_addresses e JOIN mailboxes m ON m.id = e.mailbox_id`,
      )
      .get();
    const ous = db
      .prepare(
        `SELECT count(*) AS rows, sum(length(canonical_name)) AS canonical_name, sum(length(distinguished_name)) AS distinguished_name,
           sum(length(name)) AS name FROM organizational_units`,
      )
      .get();
    return { mailboxes, email_addresses: addresses, organizational_units: ous };
  } finally {
    db.close();
  }
}

/** What a bulk set left behind: disabled mailboxes, the last change and its items. */
export function changeFingerprint(path) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT (SELECT count(*) FROM mailboxes WHERE pop_enabled = 0) AS pop_disabled,
           (SELECT count(*) FROM change_records) AS change_records,
           (SELECT count(*) FROM change_items) AS change_items,
           (SELECT count(*) FROM change_items WHERE property = 'PopEnabled' AND before = 1 AND after = 0) AS pop_items,
           (SELECT count(*) FROM mailboxes m JOIN change_items i ON i.mailbox_id = m.id AND i.mailbox_guid = m.guid
              WHERE m.pop_enabled = i.after AND m.when_changed = (SELECT when_changed FROM change_records WHERE id = i.change_id)) AS consistent_items`,
      )
      .get();
  } finally {
    db.close();
  }
}

/** Deep equality of two plain JSON values; returns the paths that differ. */
export function differences(a, b, path = '') {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return a === b ? [] : [`${path || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences(a[key], b[key], `${path}.${key}`));
}
