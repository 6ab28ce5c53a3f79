import { newGuid } from '../../core/guid.js';
import { ADMINISTRATOR_REFUSED, isAdministratorAccount } from '../../core/administrator.js';
import { fold } from '../../core/mailbox.js';
import { PlanBook } from '../../core/mailbox-plans.js';
import { PROTOCOLS, admits, isNullable, type NullableProtocol } from '../../core/protocols.js';
import { latestWrites } from '../../core/setting-writes.js';
import type { ChangeContext, CompleteRecord, ImportBatches, ImportItem, ImportOptions, ImportRecord, ImportSummary, TransportConfig } from '../directory-store.js';
import { alreadyTaken, cannotImport, type UniqueKey } from '../import-conflicts.js';
import { givenFields } from '../import-merge.js';
import { ImportAccount, StoredMailboxes, derivedDn } from '../import-account.js';
import { applyCasChanges } from './changes.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { CASCTL_MAILBOX_SCHEMA, TEXT_FIELDS, type TextField } from './mailbox-schema.js';
import { OrganizationalUnitMaker } from './organizational-units.js';
import { Params } from './params.js';
import { readPlans } from './plans.js';
import { fullProjection, rowId } from './rows.js';
import { transportConfig } from './transport-config.js';

/** The store SqlStore imports into: casctl's own schema (a profile refuses import). */
const OWN = CASCTL_MAILBOX_SCHEMA;

/** Rows per multi-row INSERT: well under every engine's limit on bound parameters. */
const ROWS_PER_INSERT = 250;

type Values = Map<string, string | number | null>;

/**
 * `casctl import` on an SQL server, inside the caller's write transaction, so it is all or
 * nothing. Per batch: the stored mailboxes it names are read in one query, the changed ones
 * updated (only the columns whose given values differ), the new ones inserted a few hundred rows
 * a statement. The CAS settings of existing mailboxes are written last by applyCasChanges, as
 * one change record. With `items`, every create and change is listed too (--what-if).
 */
export async function importInto(
  session: SqlSession,
  layout: SqlLayout,
  batches: ImportBatches,
  change: ChangeContext,
  items: ImportItem[] | undefined,
  { progress, records }: Pick<ImportOptions, 'progress' | 'records'> = {},
): Promise<ImportSummary> {
  const { dialect } = layout;
  const schema = OWN;
  const stamp = change.when.toISOString();
  const full = fullProjection(layout);
  const units = await OrganizationalUnitMaker.load(session, layout);
  // Plans read inside the import's transaction, under the writer lock: a plan changed meanwhile waits for the import.
  const account = new ImportAccount(new PlanBook(await readPlans(session, layout)), items);
  const { summary, cas } = account;
  const defaults = await transportConfig(session, layout);
  const text = schema.mailboxes.text;

  progress?.phase('Writing', 'mailboxes', records);
  for await (const batch of batches) {
    const p = new Params(dialect);
    const guids = batch.flatMap((r) => (r.Guid === null ? [] : [fold(r.Guid)]));
    const found = await session.query(
      `SELECT ${full.select} FROM ${layout.mailboxes} m
       WHERE ${p.in(dialect.fold(layout.m(text.Guid)), guids)} OR ${p.in(dialect.fold(layout.m(text.PrimarySmtpAddress)), batch.map((r) => fold(r.PrimarySmtpAddress)))}`,
      p.values,
    );
    const stored = new StoredMailboxes();
    for (const row of found) stored.add(rowId(layout, row) as number, full.toMailbox(row));
    const creates: { record: ImportRecord; values: Values }[] = [];
    for (const record of batch) {
      const existing = stored.find(record);
      if (existing === undefined) {
        const created = account.create(record);
        creates.push({ record, values: insertValues(layout, created, await units.ensure(record.OrganizationalUnit), stamp, defaults) });
        continue;
      }
      const { id, mailbox } = existing;
      const merged = account.merge(mailbox, record);
      if (givenFields(record).has('OrganizationalUnit')) merged.OrganizationalUnit = await units.ensure(merged.OrganizationalUnit);
      const properties = account.update(mailbox, merged);
      if (properties.length === 0) continue;
      const values = changedColumns(layout, properties, merged, mailbox.IsAdministrator);
      await guarded(session, layout, record, async () => {
        const u = new Params(dialect);
        const sets = [...values].map(([column, value]) => `${layout.q(column)} = ${u.add(value)}`);
        sets.push(`${layout.q(schema.mailboxes.whenChanged)} = ${u.add(stamp, 'text')}`);
        await session.execute(`UPDATE ${layout.mailboxes} SET ${sets.join(', ')} WHERE ${layout.q(schema.mailboxes.id)} = ${u.add(id, 'int')}`, u.values);
        if (properties.includes('EmailAddresses')) {
          const { table, mailboxId } = schema.addresses;
          await session.execute(`DELETE FROM ${layout.q(table)} WHERE ${layout.q(mailboxId)} = ${dialect.placeholder(1, 'int')}`, [id]);
          await insertAddresses(session, layout, [{ id, addresses: merged.EmailAddresses }]);
        }
      });
    }
    for (let i = 0; i < creates.length; i += ROWS_PER_INSERT) await insertMailboxes(session, layout, creates.slice(i, i + ROWS_PER_INSERT));
    progress?.tick(batch.length);
  }
  summary.organizationalUnitsCreated = units.created;
  await storeAdministratorDisabled(session, layout);
  const writes = cas.writes;
  if (writes.length > 0) {
    const applied = await applyCasChanges(session, layout, latestWrites(writes), change, progress);
    summary.changeId = applied.changeId;
    summary.casChanges = applied.settings;
  }
  return summary;
}

/**
 * Inserts new mailboxes and their addresses, a statement for all of them; when a key is taken,
 * the savepoint is rolled back and the rows go in one at a time, so the error names the row.
 */
async function insertMailboxes(session: SqlSession, layout: SqlLayout, creates: readonly { record: ImportRecord; values: Values }[]): Promise<void> {
  if (creates.length === 0) return;
  const write = async (rows: readonly { record: ImportRecord; values: Values }[]): Promise<void> => {
    const columns = [...(rows[0] as { values: Values }).values.keys()];
    const p = new Params(layout.dialect);
    const tuples = rows.map(({ values }) => `(${columns.map((c) => p.add(values.get(c) ?? null)).join(', ')})`);
    await session.execute(`INSERT INTO ${layout.mailboxes} (${columns.map((c) => layout.q(c)).join(', ')}) VALUES ${tuples.join(', ')}`, p.values);
    const guidColumn = OWN.mailboxes.text.Guid;
    const q = new Params(layout.dialect);
    const ids = await session.query(
      `SELECT ${layout.id} AS id, ${layout.m(guidColumn)} AS guid FROM ${layout.mailboxes} m WHERE ${q.in(layout.m(guidColumn), rows.map(({ values }) => values.get(guidColumn) as string))}`,
      q.values,
    );
    const idOf = new Map(ids.map((row) => [row.guid as string, layout.dialect.readInt(row.id)]));
    await insertAddresses(session, layout, rows.map(({ record, values }) => ({ id: idOf.get(values.get(guidColumn) as string) as number, addresses: record.EmailAddresses })));
  };
  await session.execute('SAVEPOINT casctl_import_rows');
  try {
    await write(creates);
    await session.execute('RELEASE SAVEPOINT casctl_import_rows');
  } catch (error) {
    if (layout.dialect.classify(error) !== 'unique') throw error;
    await session.execute('ROLLBACK TO SAVEPOINT casctl_import_rows');
    for (const create of creates) await guarded(session, layout, create.record, () => write([create]));
    // Every row went in alone: what failed together was not a row's own key.
    throw error;
  }
}

async function insertAddresses(session: SqlSession, layout: SqlLayout, mailboxes: readonly { id: number; addresses: readonly string[] }[]): Promise<void> {
  const { table, mailboxId, address, position } = OWN.addresses;
  const p = new Params(layout.dialect);
  const tuples = mailboxes.flatMap(({ id, addresses }) => addresses.map((a, i) => `(${p.add(a, 'text')}, ${p.add(id, 'int')}, ${p.add(i, 'int')})`));
  if (tuples.length === 0) return;
  await session.execute(`INSERT INTO ${layout.q(table)} (${[address, mailboxId, position].map((c) => layout.q(c)).join(', ')}) VALUES ${tuples.join(', ')}`, p.values);
}

/** Runs a row's statements; a key it takes that belongs to another mailbox is the row's UsageError. */
async function guarded(session: SqlSession, layout: SqlLayout, record: ImportRecord, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (layout.dialect.classify(error) !== 'unique') throw error;
    throw cannotImport(record.PrimarySmtpAddress, describeConstraint(layout, error));
  }
}

function describeConstraint(layout: SqlLayout, error: unknown): string {
  const name = layout.dialect.violatedKey(error) ?? '';
  const { mailboxes, addresses } = layout.schema;
  if (name.startsWith(`${addresses.table}_`)) return alreadyTaken('EmailAddresses');
  const keys = ['Guid', 'PrimarySmtpAddress', 'SamAccountName', 'UserPrincipalName', 'DistinguishedName'] as const satisfies readonly UniqueKey[];
  const key = keys.find((k) => name === `${mailboxes.table}_${mailboxes.text[k]}_key`);
  return key === undefined ? (error as Error).message : alreadyTaken(key);
}

/**
 * The Administrator's rows hold every protocol the rule covers disabled, not only read so (one
 * renamed to the built-in account by this import). It reads disabled already: nothing is recorded.
 */
async function storeAdministratorDisabled(session: SqlSession, layout: SqlLayout): Promise<void> {
  const columns = ADMINISTRATOR_REFUSED.flatMap((p) => OWN.mailboxes.enabled[p.name]).map((c) => layout.q(c));
  if (columns.length === 0) return;
  await session.execute(
    `UPDATE ${layout.mailboxes} SET ${columns.map((c) => `${c} = 0`).join(', ')} WHERE ${layout.q(OWN.mailboxes.isAdministrator)} = 1 AND (${columns.map((c) => `${c} <> 0`).join(' OR ')})`,
  );
}

function insertValues(layout: SqlLayout, record: CompleteRecord, ou: string, stamp: string, defaults: TransportConfig): Values {
  const m = OWN.mailboxes;
  const values: Values = new Map();
  const withOu = { ...record, OrganizationalUnit: ou };
  for (const field of TEXT_FIELDS) values.set(m.text[field], field === 'Guid' || field === 'DistinguishedName' ? null : withOu[field]);
  values.set(m.text.Guid, record.Guid ?? newGuid());
  values.set(m.text.DistinguishedName, record.DistinguishedName ?? derivedDn(withOu));
  m.customAttributes.forEach((column, i) => values.set(column, record.CustomAttributes[i] ?? null));
  values.set(m.isAdministrator, Number(isAdministratorAccount(record.SamAccountName)));
  for (const protocol of PROTOCOLS) {
    const value = record[protocol.property];
    if (isNullable(protocol)) {
      values.set(m.setting[protocol.name as NullableProtocol['name']], value === null ? null : Number(value));
      for (const c of m.enabled[protocol.name]) values.set(c, Number(admits(protocol, value, defaults[protocol.property as keyof TransportConfig])));
    } else {
      for (const c of m.enabled[protocol.name]) values.set(c, Number(value));
    }
  }
  values.set(m.password, record.Password);
  values.set(m.whenCreated, stamp);
  values.set(m.whenChanged, stamp);
  return values;
}

/** The mailbox columns holding the changed properties (EmailAddresses lives in its own table), with their new values. */
function changedColumns(layout: SqlLayout, properties: readonly string[], merged: CompleteRecord, wasAdministrator: boolean): Values {
  const m = OWN.mailboxes;
  const columns: Values = new Map();
  for (const property of properties) {
    if (property === 'EmailAddresses') continue;
    if (property === 'Password') columns.set(m.password, merged.Password);
    else if (property in m.text) columns.set(m.text[property as TextField], merged[property as TextField] as string | null);
    else {
      const n = Number(/^CustomAttribute(\d+)$/.exec(property)?.[1]);
      columns.set(m.customAttributes[n - 1] as string, merged.CustomAttributes[n - 1] ?? null);
    }
  }
  // The flag sticks: renaming the built-in account must not let it use a protocol the rule covers.
  if (properties.includes('SamAccountName')) columns.set(m.isAdministrator, Number(wasAdministrator || isAdministratorAccount(merged.SamAccountName)));
  return columns;
}
