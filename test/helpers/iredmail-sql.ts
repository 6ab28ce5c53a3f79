/**
 * An iRedMail-shaped SQL directory (its `vmail` tables, from iRedMail's published schema facts:
 * `mailbox` keyed by username with its enable* switch columns, `domain`, `forwardings` holding a
 * mailbox's alias addresses with is_alias = 1, `alias`), on MariaDB or PostgreSQL, seeded with the
 * users of iredmail-directory.ts (odd local parts, unicode names, several domains), and a dump of
 * every row and column of those tables for the safety tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { IREDMAIL_DOMAINS, IREDMAIL_PASSWORD, everyUser, type IredmailUser } from './iredmail-directory.js';

export type Engine = 'mariadb' | 'postgres';

/** Runs one statement with `?`-free SQL and positional values, on whichever client the test holds. */
export type Exec = (sql: string, values?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** Every service column iRedMail's mailbox row has, in its order; the mail access ones are what casctl maps. */
export const SERVICE_COLUMNS = [
  'enablesmtp', 'enablesmtpsecured', 'enablepop3', 'enablepop3secured', 'enablepop3tls', 'enableimap', 'enableimapsecured', 'enableimaptls',
  'enabledeliver', 'enablelda', 'enablemanagesieve', 'enablemanagesievesecured', 'enablesieve', 'enablesievesecured', 'enablesievetls',
  'enableinternal', 'enabledoveadm', 'enablelib-storage', 'enableindexer-worker', 'enablelmtp', 'enabledsync',
] as const;

export const POP3_COLUMNS = ['enablepop3', 'enablepop3secured', 'enablepop3tls'];
export const IMAP_COLUMNS = ['enableimap', 'enableimapsecured', 'enableimaptls'];

/** The admin's tables, with the key a dump orders them by. */
export const ADMIN_TABLES: Readonly<Record<string, string>> = { mailbox: 'username', domain: 'domain', forwardings: 'id', alias: 'address' };

/** {SSHA512}: what iRedMail writes by default, and Dovecot verifies. */
export function ssha512(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA512}${Buffer.concat([createHash('sha512').update(password).update(salt).digest(), salt]).toString('base64')}`;
}

function ddl(engine: Engine): string[] {
  const my = engine === 'mariadb';
  const q = (name: string): string => (my ? `\`${name}\`` : `"${name}"`);
  const flag = (name: string, fallback = 1): string => `${q(name)} ${my ? 'TINYINT(1)' : 'SMALLINT'} NOT NULL DEFAULT ${fallback}`;
  const time = (name: string, fallback: string): string => `${q(name)} ${my ? 'DATETIME' : 'TIMESTAMP'} NOT NULL DEFAULT '${fallback}'`;
  const text = (name: string, length = 255): string => `${q(name)} VARCHAR(${length}) NOT NULL DEFAULT ''`;
  const tail = my ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : '';
  const serial = my ? 'BIGINT UNSIGNED NOT NULL AUTO_INCREMENT' : 'BIGSERIAL';
  return [
    `CREATE TABLE ${q('domain')} (${[text('domain'), `${q('description')} TEXT`, `${text('transport')}`, time('created', '1970-01-01 01:01:01'), time('modified', '1970-01-01 01:01:01'), flag('active'), `PRIMARY KEY (${q('domain')})`].join(', ')})${tail}`,
    `CREATE TABLE ${q('mailbox')} (${[
      text('username'), text('password'), text('name'), text('language', 5), text('maildir'), `${q('quota')} BIGINT NOT NULL DEFAULT 0`, text('domain'),
      text('department'), text('local_part'), flag('isadmin', 0), flag('isglobaladmin', 0), ...SERVICE_COLUMNS.map((c) => flag(c)),
      `${q('settings')} TEXT`, time('passwordlastchange', '1970-01-01 01:01:01'), time('created', '1970-01-01 01:01:01'), time('modified', '1970-01-01 01:01:01'),
      time('expired', '9999-12-31 00:00:00'), flag('active'), `PRIMARY KEY (${q('username')})`,
    ].join(', ')})${tail}`,
    `CREATE INDEX mailbox_domain ON ${q('mailbox')} (${q('domain')})`,
    `CREATE TABLE ${q('forwardings')} (${[
      `${q('id')} ${serial}`, text('address'), text('forwarding'), text('domain'), text('dest_domain'), flag('is_maillist', 0), flag('is_list', 0),
      flag('is_forwarding', 0), flag('is_alias', 0), flag('active'), `PRIMARY KEY (${q('id')})`,
    ].join(', ')})${tail}`,
    `CREATE TABLE ${q('alias')} (${[text('address'), text('name'), text('domain'), time('created', '1970-01-01 01:01:01'), flag('active'), `PRIMARY KEY (${q('address')})`].join(', ')})${tail}`,
  ];
}

/** The row a user gets: every service on, except those its services list leaves out (iredmail-directory.ts's `partial`). */
function mailboxRow(user: IredmailUser, created: string): Record<string, unknown> {
  const [local, domain] = user.mail.split('@') as [string, string];
  const services = new Set(user.services?.map((s) => `enable${s}`) ?? SERVICE_COLUMNS);
  const row: Record<string, unknown> = {
    username: user.mail, password: ssha512(IREDMAIL_PASSWORD), name: user.cn, language: 'en_US', maildir: `${domain}/${local}/`, quota: 1024,
    domain, department: domain === 'example.com' ? 'Ops' : 'Research', local_part: local, isadmin: user.globalAdmin === true ? 1 : 0,
    isglobaladmin: user.globalAdmin === true ? 1 : 0, settings: 'default_user_quota:1024;', created, modified: created, active: user.status === 'disabled' ? 0 : 1,
  };
  for (const column of SERVICE_COLUMNS) row[column] = user.services === undefined || services.has(column) ? 1 : 0;
  return row;
}

/** Creates the admin's tables and fills them: domains, mailboxes, their alias rows (and each mailbox's own forwarding row, as iRedMail keeps), one mail alias account. */
export async function seedIredmailSql(engine: Engine, exec: Exec, extraUsers: readonly IredmailUser[] = []): Promise<void> {
  const my = engine === 'mariadb';
  const q = (name: string): string => (my ? `\`${name}\`` : `"${name}"`);
  const ph = (n: number): string => (my ? '?' : `$${n}`);
  const insert = async (table: string, row: Record<string, unknown>): Promise<void> => {
    const columns = Object.keys(row);
    await exec(`INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES (${columns.map((_, i) => ph(i + 1)).join(', ')})`, Object.values(row));
  };
  for (const statement of ddl(engine)) await exec(statement);
  const created = '2024-03-05 06:07:08';
  for (const domain of Object.keys(IREDMAIL_DOMAINS)) await insert('domain', { domain, description: `The ${domain} domain`, transport: 'dovecot', created, modified: created, active: 1 });
  for (const user of [...everyUser(), ...extraUsers]) {
    const row = mailboxRow(user, created);
    await insert('mailbox', row);
    const domain = row.domain as string;
    await insert('forwardings', { address: user.mail, forwarding: user.mail, domain, dest_domain: domain, is_forwarding: 1, active: 1 });
    for (const alias of user.aliases ?? []) await insert('forwardings', { address: alias, forwarding: user.mail, domain, dest_domain: domain, is_alias: 1, active: 1 });
  }
  await insert('alias', { address: 'all@example.com', name: 'Everyone', domain: 'example.com', created, active: 1 });
}

/** Every row and column of the admin's tables, as text (dates too), keyed `table key`. */
export async function dumpIredmailSql(exec: Exec, engine: Engine): Promise<Map<string, Record<string, string | null>>> {
  const q = (name: string): string => (engine === 'mariadb' ? `\`${name}\`` : `"${name}"`);
  const dump = new Map<string, Record<string, string | null>>();
  for (const [table, key] of Object.entries(ADMIN_TABLES)) {
    for (const row of await exec(`SELECT * FROM ${q(table)} ORDER BY ${q(key)}`)) {
      const text = Object.fromEntries(Object.entries(row).map(([c, v]) => [c, v === null ? null : v instanceof Date ? v.toISOString() : String(v)]));
      dump.set(`${table} ${String(row[key])}`, text);
    }
  }
  return dump;
}

/** Every difference between two dumps, as `table key column: before -> after` lines. */
export function dumpDifferences(before: Map<string, Record<string, string | null>>, after: Map<string, Record<string, string | null>>): string[] {
  const lines: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a === undefined || b === undefined) {
      lines.push(`${key}: ${a === undefined ? 'added' : 'removed'}`);
      continue;
    }
    for (const column of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[column] !== b[column]) lines.push(`${key} ${column}: ${a[column] ?? 'NULL'} -> ${b[column] ?? 'NULL'}`);
  }
  return lines.sort();
}
