// Reference for `casctl set-casmailbox --file <ids> --pop-enabled <value> --yes` on an iRedMail
// database (the iredmail profile): the same change with its history, in one transaction, with a
// bare client. The file is read whole (BOM, CRLF, blanks and # comments handled as casctl does);
// the addresses are resolved against mailbox.username (its primary key) as one bound list; one
// casctl_change_records row, one INSERT ... SELECT into casctl_change_items of exactly the rows
// about to change, one UPDATE of the three POP3 columns of the rows just recorded.
//
//   node bench/reference/sql-set.js '<connection json>' <identities.txt> true|false
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { connect } from './sql-client.js';

const [connection, file, value] = process.argv.slice(2);
if (!connection || !file || !['true', 'false'].includes(value)) throw new Error("usage: sql-set.js '<connection json>' <identities.txt> true|false");
const to = value === 'true' ? 1 : 0;
const text = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
const addresses = [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.toLowerCase()))];

const db = await connect(connection);
const pg = db.engine === 'postgres';
const list = pg ? `= ANY(${db.q(3, '::text[]')})` : 'IN (?)';
const guid = pg ? '(md5(lower(m.username))::uuid)::text' : "INSERT(INSERT(INSERT(INSERT(MD5(LOWER(m.username)), 21, 0, '-'), 17, 0, '-'), 13, 0, '-'), 9, 0, '-')";
const held = '(CASE WHEN m.enablepop3 = 1 AND m.enablepop3secured = 1 AND m.enablepop3tls = 1 THEN 1 ELSE 0 END)';
await db.query(pg ? 'BEGIN' : 'START TRANSACTION');
const when = new Date().toISOString();
const command = `casctl set-casmailbox --file ${file} --pop-enabled ${value} --yes`;
let id;
if (pg) {
  [{ id }] = await db.query(
    'INSERT INTO casctl_change_records (when_changed, os_user, sudo_user, host, command_line, undo_of) VALUES ($1, $2, NULL, $3, $4, NULL) RETURNING id',
    [when, userInfo().username, hostname(), command],
  );
} else {
  await db.query('INSERT INTO casctl_change_records (when_changed, os_user, sudo_user, host, command_line, undo_of) VALUES (?, ?, NULL, ?, ?, NULL)', [when, userInfo().username, hostname(), command]);
  [{ id }] = await db.query('SELECT LAST_INSERT_ID() AS id');
}
await db.query(
  `INSERT INTO casctl_change_items (change_id, mailbox_id, mailbox_guid, property, before_value, after_value)
   SELECT ${db.q(1)}, m.username, ${guid}, 'PopEnabled', ${held}, ${db.q(2)} FROM mailbox m WHERE m.username ${list} AND ${held} <> ${db.q(4)}`,
  pg ? [id, to, addresses, to] : [id, to, addresses, to],
);
const set = `enablepop3 = ${to}, enablepop3secured = ${to}, enablepop3tls = ${to}`;
await db.query(
  pg
    ? `UPDATE mailbox m SET ${set} FROM casctl_change_items i WHERE i.change_id = $1 AND i.mailbox_id = m.username`
    : `UPDATE mailbox m JOIN casctl_change_items i ON i.mailbox_id = m.username SET ${set.replace(/(\w+) =/g, 'm.$1 =')} WHERE i.change_id = ?`,
  [id],
);
await db.query('COMMIT');
await db.end();
