// Reference for `casctl set-casmailbox ... --pop-enabled false --yes`: the same change, set-based,
// with its change history (DESIGN.md §4), in one BEGIN IMMEDIATE transaction, directly with
// better-sqlite3.
//
//   node bench/reference/set.js <store.db> file <identities.txt>     (one primary address per line)
//   node bench/reference/set.js <store.db> department <name>          (Department -eq '<name>')
//
// The best SQL found for it (see /work/shared/recipes/PERFORMANCE.md): one change_records row;
// one INSERT ... SELECT into change_items of exactly the rows about to change (before/after),
// ORDER BY m.id so that change_items' inserts come in key order (-25% here); one UPDATE of the rows
// just recorded (change_items' primary key leads with change_id: a range scan). For the file, the
// addresses travel as one JSON array bound to `json_each(?)`, so the lookups run inside SQLite
// (one probe of the NOCASE address index per line) instead of one statement per line from JS.
// The file is read whole (readFileSync + split: about 0.5 s per million lines), its BOM, CRLF,
// blank lines and # comments handled as casctl handles them. The page cache is raised as for the
// import (db.js).
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { bulkCache, immediate, openStore } from './db.js';

const [dbPath, mode, value] = process.argv.slice(2);
if (!dbPath || !['file', 'department'].includes(mode) || !value) {
  throw new Error('usage: set.js <store.db> file <identities.txt> | department <name>');
}

let where;
let parameter;
if (mode === 'file') {
  const text = readFileSync(value, 'utf8');
  const addresses = [];
  for (const line of (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/)) {
    const identity = line.trim();
    if (identity !== '' && identity[0] !== '#') addresses.push(identity);
  }
  where = 'm.primary_smtp_address IN (SELECT value FROM json_each(?))';
  parameter = JSON.stringify(addresses);
} else {
  where = 'm.department = ?';
  parameter = value;
}

const db = openStore(dbPath);
bulkCache(db);
const when = new Date().toISOString();
const result = immediate(db, () => {
  const changeId = db
    .prepare('INSERT INTO change_records (when_changed, os_user, sudo_user, host, command_line) VALUES (?, ?, ?, ?, ?)')
    .run(when, userInfo().username, process.env.SUDO_USER ?? null, hostname(), process.argv.slice(2).join(' ')).lastInsertRowid;
  const recorded = db
    .prepare(
      `INSERT INTO change_items (change_id, mailbox_id, mailbox_guid, property, before, after)
       SELECT ?, m.id, m.guid, 'PopEnabled', m.pop_enabled, 0 FROM mailboxes m
       WHERE ${where} AND m.pop_enabled <> 0 ORDER BY m.id`,
    )
    .run(changeId, parameter).changes;
  const updated = db
    .prepare(
      `UPDATE mailboxes SET pop_enabled = 0, when_changed = ?
       WHERE id IN (SELECT mailbox_id FROM change_items WHERE change_id = ? AND property = 'PopEnabled')`,
    )
    .run(when, changeId).changes;
  return { changeId, recorded, updated };
});
db.close();
process.stderr.write(`reference set: change ${result.changeId}, ${result.recorded} recorded, ${result.updated} updated\n`);
