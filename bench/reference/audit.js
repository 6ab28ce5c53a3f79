// Reference for `casctl get-casmailbox --filter 'PopEnabled -eq $false' -o json|csv`: the same
// rows, in the same order, in byte-for-byte the same JSON or CSV on stdout (the benchmark checks
// that on its small directory), directly with better-sqlite3.
//
//   node bench/reference/audit.js <store.db> json|csv [id|name]
//
// The best plain approach: one statement computing the output values in SQL (Identity, the
// Administrator rule of the flags), read with .raw() (arrays, not objects) through .iterate()
// (one open cursor: memory stays flat), strings built by hand and written in 64 KiB chunks with
// writeSync. The order is casctl's: `id` (rowid, the directory's own order) or `name` (Name, then
// rowid: SQLite walks the name index); the benchmark finds which by comparing outputs.
import { Buffer } from 'node:buffer';
import { writeSync } from 'node:fs';
import { openStore } from './db.js';

const [dbPath, format, order = 'id'] = process.argv.slice(2);
if (!dbPath || !['json', 'csv'].includes(format) || !['id', 'name'].includes(order)) {
  throw new Error('usage: audit.js <store.db> json|csv [id|name]');
}

const COLUMNS = [
  'Identity', 'Guid', 'Name', 'DisplayName', 'PrimarySmtpAddress', 'SamAccountName', 'OrganizationalUnit',
  'RecipientTypeDetails', 'PopEnabled', 'ImapEnabled', 'OWAEnabled', 'SmtpClientAuthenticationDisabled', 'ManageSieveEnabled',
  'PopUseProtocolDefaults', 'ImapUseProtocolDefaults', 'WhenChanged',
];
const BOOLEAN_FROM = 8; // PopEnabled .. ImapUseProtocolDefaults (SmtpClientAuthenticationDisabled may be null: $null)
const BOOLEAN_TO = 14;

const db = openStore(dbPath);
const rows = db
  .prepare(
    `SELECT m.organizational_unit || '/' || m.name, m.guid, m.name, m.display_name, m.primary_smtp_address,
       m.sam_account_name, m.organizational_unit, m.recipient_type_details,
       m.pop_enabled AND NOT m.is_administrator, m.imap_enabled AND NOT m.is_administrator,
       m.owa_enabled, m.smtp_client_authentication_disabled, m.manage_sieve_enabled,
       m.pop_use_protocol_defaults, m.imap_use_protocol_defaults, m.when_changed
     FROM mailboxes m WHERE NOT (m.pop_enabled AND NOT m.is_administrator) ORDER BY ${order === 'id' ? 'm.id' : 'm.name, m.id'}`,
  )
  .raw();

let buffer = '';
const write = (text) => {
  buffer += text;
  if (buffer.length >= 65536) {
    writeAll(buffer);
    buffer = '';
  }
};
function writeAll(text) {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error; // a non-blocking pipe that is full: try again
    }
  }
}

const csvField = (text) => (/[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const KEYS = COLUMNS.map((c, i) => `${i === 0 ? '{' : ','}"${c}":`);

let count = 0;
if (format === 'json') {
  write('[');
  for (const row of rows.iterate()) {
    let line = count === 0 ? '\n  ' : ',\n  ';
    for (let i = 0; i < COLUMNS.length; i++) {
      const value = row[i];
      line += KEYS[i];
      line += value === null ? 'null' : i >= BOOLEAN_FROM && i <= BOOLEAN_TO ? (value ? 'true' : 'false') : JSON.stringify(value);
    }
    write(`${line}}`);
    count++;
  }
  write(count === 0 ? ']\n' : '\n]\n');
} else {
  write(`${COLUMNS.join(',')}\r\n`);
  for (const row of rows.iterate()) {
    let line = '';
    for (let i = 0; i < COLUMNS.length; i++) {
      const value = row[i];
      if (i > 0) line += ',';
      line += value === null ? '' : i >= BOOLEAN_FROM && i <= BOOLEAN_TO ? (value ? 'True' : 'False') : csvField(String(value));
    }
    write(`${line}\r\n`);
    count++;
  }
}
writeAll(buffer);
db.close();
process.stderr.write(`reference audit: ${count} rows\n`);
