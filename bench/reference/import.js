// Reference for `casctl import <csv>`: the same rows into the same tables (organizational_units,
// mailboxes, email_addresses) of a store `casctl init` created, directly with better-sqlite3.
//
//   node bench/reference/import.js <store.db> <directory.csv>
//
// The best plain approach: the CSV parsed by csv-parse's streaming API (RFC 4180 quoting must be
// honoured, as casctl must; a naive split on commas would be wrong for `"Research, Development"`),
// each row inserted as it is parsed, all in one BEGIN IMMEDIATE transaction (all or nothing),
// prepared statements with positional parameters, a 512 MiB page cache (db.js: halves the time
// at 1M rows), the schema's indexes left in place, OUs created
// once each (cached in a Map), the primary address added to email_addresses with the row.
// It derives what casctl derives for the columns the benchmark's CSV has (Guid, DN, DisplayName,
// SamAccountName, UPN, lower-case address, booleans) but does no validation beyond SQLite's own
// constraints; the benchmark checks that both fill the tables alike.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { bulkCache, openStore } from './db.js';

const [dbPath, csvPath] = process.argv.slice(2);
if (!dbPath || !csvPath) throw new Error('usage: import.js <store.db> <directory.csv>');

const escapeDn = (value) =>
  value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');
const BOOLEAN = new Map([['true', 1], ['$true', 1], ['1', 1], ['yes', 1], ['false', 0], ['$false', 0], ['0', 0], ['no', 0]]);
const bool = (text) => {
  if (text === undefined || text === '') return 1;
  const value = BOOLEAN.get(text.trim().toLowerCase());
  if (value === undefined) throw new Error(`not a boolean: ${text}`);
  return value;
};

const db = openStore(dbPath);
bulkCache(db);
const stamp = new Date().toISOString();
const insertOu = db.prepare(
  'INSERT OR IGNORE INTO organizational_units (guid, name, canonical_name, distinguished_name) VALUES (?, ?, ?, ?)',
);
const insertMailbox = db.prepare(
  `INSERT INTO mailboxes (guid, distinguished_name, name, display_name, alias, sam_account_name, user_principal_name,
     primary_smtp_address, organizational_unit, department, state_or_province, recipient_type_details,
     is_administrator, pop_enabled, imap_enabled, when_created, when_changed)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'UserMailbox', ?, ?, ?, ?, ?)`,
);
const insertAddress = db.prepare('INSERT INTO email_addresses (address, mailbox_id) VALUES (?, ?)');

/** canonical OU (as written) -> its DN suffix; parents are created with their children. */
const ous = new Map();
function ensureOu(canonical) {
  let dn = ous.get(canonical);
  if (dn !== undefined) return dn;
  const [domain, ...units] = canonical.split('/').map((s) => s.trim()).filter(Boolean);
  const domainDn = domain.toLowerCase().split('.').map((label) => `DC=${escapeDn(label)}`).join(',');
  let path = domain.toLowerCase();
  dn = domainDn;
  for (const unit of units) {
    path = `${path}/${unit}`;
    dn = `OU=${escapeDn(unit)},${dn}`;
    insertOu.run(randomUUID(), unit, path, dn);
  }
  ous.set(canonical, dn);
  return dn;
}

let created = 0;
await (async () => {
  db.exec('BEGIN IMMEDIATE');
  try {
    const parser = createReadStream(csvPath).pipe(parse({ bom: true, skip_empty_lines: true }));
    let index;
    for await (const record of parser) {
      if (index === undefined) {
        const names = record.map((name) => name.trim().toLowerCase());
        const at = (name) => names.indexOf(name.toLowerCase());
        index = {
          address: at('PrimarySmtpAddress'), name: at('Name'), alias: at('Alias'), ou: at('OrganizationalUnit'),
          department: at('Department'), state: at('StateOrProvince'), pop: at('PopEnabled'), imap: at('ImapEnabled'),
        };
        continue;
      }
      const address = record[index.address].trim().toLowerCase();
      const domain = address.slice(address.indexOf('@') + 1);
      const alias = record[index.alias]?.trim() || address.slice(0, address.indexOf('@'));
      const name = record[index.name]?.trim() || alias;
      const ou = record[index.ou]?.trim() || `${domain}/Users`;
      const ouDn = ensureOu(ou);
      const canonical = ou.split('/').map((s) => s.trim()).filter(Boolean).map((s, i) => (i === 0 ? s.toLowerCase() : s)).join('/');
      const id = insertMailbox.run(
        randomUUID(), `CN=${escapeDn(name)},${ouDn}`, name, name, alias, alias, `${alias}@${domain}`, address, canonical,
        record[index.department]?.trim() || null, record[index.state]?.trim() || null,
        Number(alias.toLowerCase() === 'administrator'), bool(record[index.pop]), bool(record[index.imap]), stamp, stamp,
      ).lastInsertRowid;
      insertAddress.run(address, id);
      created++;
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
})();
db.close();
process.stderr.write(`reference import: ${created} mailboxes, ${ous.size} leaf OUs\n`);
