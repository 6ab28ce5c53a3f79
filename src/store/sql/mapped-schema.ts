import { StoreError } from '../../core/errors.js';
import { PROTOCOLS } from '../../core/protocols.js';
import { switchHolders } from '../mapping-profiles.js';
import type { SqlSession } from './client.js';
import type { OwnTable } from './layout.js';
import type { MailboxSchema } from './mailbox-schema.js';
import type { Migration } from './migrations.js';
import { MAPPED_TABLE_PREFIX } from './sql-profiles.js';

/** casctl's own tables beside a mapped schema: their migrations, and the one-row record of the profile. */
export const MAPPED_MIGRATIONS_TABLE = `${MAPPED_TABLE_PREFIX}schema_migrations_beside`;
export const PROFILE_TABLE = `${MAPPED_TABLE_PREFIX}profile`;

const OWN_TABLES: readonly (OwnTable | 'transport_config')[] = [
  'change_records', 'change_items', 'service_state', 'casmailbox_plans', 'casmailbox_plan_settings', 'plan_change_items', 'transport_config', 'transport_config_changes',
];
const OWN = new RegExp(`\\b(${OWN_TABLES.join('|')})\\b`, 'g');
/** The table a statement creates, indexes or fills. */
const SUBJECT = /^\s*(?:CREATE TABLE(?: IF NOT EXISTS)?|CREATE (?:UNIQUE )?INDEX \w+ ON|INSERT(?: IGNORE)? INTO)\s+(\w+)/i;
/** change_items.mailbox_id as casctl's schema declares it (an integer, PostgreSQL's or MySQL's). */
const MAILBOX_ID = /\bmailbox_id (?:INTEGER|BIGINT) NOT NULL/;

/**
 * casctl's migrations for its tables beside an admin's schema, derived from its own schema's so
 * the two never drift: the statements of the history, service state, plan and default tables
 * only (not of its mailbox, address and OU tables, which the profile maps onto the admin's), the
 * tables named `casctl_<name>`, and a change item's mailbox id of the admin's key type.
 */
export function besideMigrations(own: readonly Migration[], keyType: string): Migration[] {
  return own.map((migration, index) => [
    ...(index === 0 ? [`CREATE TABLE ${PROFILE_TABLE} (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), name VARCHAR(128) NOT NULL)`] : []),
    ...migration
      .filter((statement) => (OWN_TABLES as readonly string[]).includes(SUBJECT.exec(statement)?.[1] ?? ''))
      .map((statement) => statement.replace(OWN, `${MAPPED_TABLE_PREFIX}$1`).replace(MAILBOX_ID, `mailbox_id ${keyType} NOT NULL`)),
  ]);
}

/** The profile the database's casctl tables record: its name, null for casctl's own schema, undefined when it has neither. */
export async function recordedProfile(session: SqlSession, tables: readonly string[], ownMigrationsTable: string): Promise<string | null | undefined> {
  if (tables.includes(PROFILE_TABLE)) {
    const [row] = await session.query(`SELECT name FROM ${PROFILE_TABLE} WHERE id = 1`);
    if (row !== undefined) return String(row.name);
  }
  return tables.includes(ownMigrationsTable) ? null : undefined;
}

export async function recordProfile(session: SqlSession, name: string, placeholder: string): Promise<void> {
  await session.execute(`INSERT INTO ${PROFILE_TABLE} (id, name) VALUES (1, ${placeholder})`, [name]);
}

/** Every table and column a schema names, with what it holds: what the database must have. */
export function mappedColumns(schema: MailboxSchema): Map<string, Map<string, string>> {
  const named = new Map<string, Map<string, string>>();
  const add = (table: string, column: string | null | undefined, what: string): void => {
    const columns = named.get(table) ?? new Map<string, string>();
    named.set(table, columns);
    if (column !== null && column !== undefined && !columns.has(column)) columns.set(column, what);
  };
  const { mailboxes: m, addresses: a, organizationalUnits: u } = schema;
  add(m.table, m.id, 'the mailbox key');
  for (const [field, column] of Object.entries(m.text)) add(m.table, column, field);
  m.customAttributes.forEach((column, i) => add(m.table, column, `CustomAttribute${i + 1}`));
  add(m.table, m.isAdministrator, 'the Administrator marker');
  add(m.table, m.password, 'the password');
  add(m.table, m.whenCreated, 'WhenCreated');
  add(m.table, m.whenChanged, 'WhenChanged');
  for (const protocol of PROTOCOLS) for (const column of switchHolders(m.enabled, protocol.name) ?? []) add(m.table, column, protocol.property);
  for (const [protocol, column] of Object.entries(m.setting)) add(m.table, column, `the ${protocol} setting`);
  for (const [protocol, column] of Object.entries(m.useDefaults)) add(m.table, column, `the ${protocol} UseProtocolDefaults`);
  for (const [column, what] of [[a.mailboxId, 'the mailbox an address is of'], [a.address, 'EmailAddresses'], [a.position, 'the order of EmailAddresses'], [a.only?.column, 'which rows are addresses']] as const) add(a.table, column, what);
  for (const [column, what] of [[u.guid, 'an OU Guid'], [u.name, 'an OU name'], [u.canonicalName, 'an OU canonical name'], [u.distinguishedName, 'an OU DN']] as const) add(u.table, column, what);
  return named;
}

/**
 * A profile must name what the database has: a missing column would fail the first read or,
 * worse, the first write. Read from information_schema once, at open, and reported all at once.
 * `columnsQuery` lists (table, column[, collation, leads an index]) of the store's database or
 * schema; returns the indexed columns of a case-insensitive collation.
 */
export async function checkMappedColumns(session: SqlSession, columnsQuery: string, schema: MailboxSchema, url: string): Promise<Set<string>> {
  const rows = await session.query(columnsQuery);
  const present = new Map<string, Set<string>>();
  // `table.column` of the indexed columns whose collation is case-insensitive (the query's third
  // and fourth values, where the engine has collations): a lookup that their index answers.
  const caseInsensitive = new Set<string>();
  for (const row of rows) {
    const [table, column, collation, indexed] = Object.values(row).map((v) => (v === null ? '' : String(v))) as [string, string, string | undefined, string | undefined];
    if (collation !== undefined && /_ci$/i.test(collation) && indexed === '1') caseInsensitive.add(`${table}.${column}`);
    const columns = present.get(table) ?? new Set<string>();
    columns.add(column);
    present.set(table, columns);
  }
  const missing: string[] = [];
  for (const [table, columns] of mappedColumns(schema)) {
    const has = present.get(table);
    if (has === undefined) {
      missing.push(`table ${table}`);
      continue;
    }
    for (const [column, what] of columns) if (!has.has(column)) missing.push(`column ${table}.${column} (${what})`);
  }
  if (missing.length > 0) {
    throw new StoreError(
      `The SQL profile '${schema.profile ?? ''}' names what the database of ${url} does not have: ${missing.join(', ')}. Check the URL names the directory's database, or correct the profile.`,
    );
  }
  return caseInsensitive;
}
