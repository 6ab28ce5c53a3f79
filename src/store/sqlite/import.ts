import { newGuid } from '../../core/guid.js';
import { ADMINISTRATOR_REFUSED, isAdministratorAccount } from '../../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { PROTOCOLS, admits, isNullable, type Protocol } from '../../core/protocols.js';
import { latestWrites } from '../../core/setting-writes.js';
import { alreadyTaken, cannotImport, type UniqueKey } from '../import-conflicts.js';
import type { ChangeContext, CompleteRecord, ImportItem, ImportOptions, ImportSummary, ImportRecord, ImportBatches } from '../directory-store.js';
import { PlanBook } from '../../core/mailbox-plans.js';
import { readPlans } from './mailbox-plans.js';
import { givenFields } from '../import-merge.js';
import { ImportAccount, StoredMailboxes, derivedDn } from '../import-account.js';
import { applyCasChanges } from './changes.js';
import type { Db } from './connection.js';
import { OrganizationalUnitMaker } from './organizational-units.js';
import { ENABLED_COLUMN } from '../sql/casctl-columns.js';
import { settingColumn } from './setting-sql.js';
import { transportConfig } from './transport-config.js';
import type { TransportConfig } from '../directory-store.js';
import { FULL, rowId, type MailboxRow } from './rows.js';

const CUSTOM_COLUMNS = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n}`);
const TEXT_COLUMNS = {
  DistinguishedName: 'distinguished_name', Name: 'name', DisplayName: 'display_name', Alias: 'alias',
  SamAccountName: 'sam_account_name', UserPrincipalName: 'user_principal_name', PrimarySmtpAddress: 'primary_smtp_address',
  OrganizationalUnit: 'organizational_unit', Department: 'department', Title: 'title', Company: 'company', Office: 'office',
  City: 'city', StateOrProvince: 'state_or_province', CountryOrRegion: 'country_or_region', RecipientTypeDetails: 'recipient_type_details',
} as const;
/** A protocol's columns: the setting, and for a nullable one the effective flag beside it. */
const protocolColumns = (p: Protocol): string[] => (isNullable(p) ? [settingColumn(p), ENABLED_COLUMN[p.name]] : [ENABLED_COLUMN[p.name]]);
const INSERT_COLUMNS = [
  'guid', ...Object.values(TEXT_COLUMNS), ...CUSTOM_COLUMNS, 'is_administrator', ...PROTOCOLS.flatMap(protocolColumns), 'password', 'when_created', 'when_changed',
];

type Values = Record<string, string | number | null>;

/**
 * `casctl import` on SQLite; runs inside the caller's write transaction, so it is all or nothing.
 * Per batch, the stored mailboxes it names are read in one query (never the whole store); a new
 * mailbox is inserted whole, an existing one gets only the columns whose given values differ.
 * The CAS settings of existing mailboxes are written last, by applyCasChanges, as one change
 * record. With `items`, every create and change is listed there too (--what-if). Progress:
 * "Writing" counts the records, a batch at a time, then applyCasChanges' phases.
 */
export async function importInto(
  db: Db,
  batches: ImportBatches,
  change: ChangeContext,
  items: ImportItem[] | undefined,
  { progress, records }: Pick<ImportOptions, 'progress' | 'records'> = {},
): Promise<ImportSummary> {
  const stamp = change.when.toISOString();
  const storedRows = db.prepare<[string, string], MailboxRow>(
    `SELECT ${FULL.select} FROM mailboxes m
     WHERE m.guid IN (SELECT value FROM json_each(?)) OR m.primary_smtp_address IN (SELECT value FROM json_each(?))`,
  ).raw(true);
  const insert = db.prepare(`INSERT INTO mailboxes (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((c) => `:${c}`).join(', ')})`);
  const updates = new Map<string, ReturnType<Db['prepare']>>();
  const clearAddresses = db.prepare('DELETE FROM email_addresses WHERE mailbox_id = ?');
  const addAddress = db.prepare('INSERT INTO email_addresses (address, mailbox_id) VALUES (?, ?)');
  const units = new OrganizationalUnitMaker(db);
  // Plans read inside the import's transaction: a plan changed meanwhile waits for the import, or the import for it.
  const account = new ImportAccount(new PlanBook(readPlans(db)), items);
  const { summary, cas } = account;
  const defaults = transportConfig(db);

  const write = (record: ImportRecord, work: () => void): void => {
    try {
      work();
    } catch (error) {
      throw cannotImport(record.PrimarySmtpAddress, describeConstraint(error));
    }
  };

  progress?.phase('Writing', 'mailboxes', records);
  for await (const batch of batches) {
    const found = storedRows.all(
      JSON.stringify(batch.flatMap((r) => (r.Guid === null ? [] : [r.Guid]))),
      JSON.stringify(batch.map((r) => r.PrimarySmtpAddress)),
    );
    const stored = new StoredMailboxes();
    for (const row of found) stored.add(rowId(row), FULL.toMailbox(row));
    for (const record of batch) {
      const existing = stored.find(record);
      if (existing === undefined) {
        const created = account.create(record);
        const values = insertValues(created, units.ensure(record.OrganizationalUnit), stamp, defaults);
        write(record, () => {
          const id = Number(insert.run(values).lastInsertRowid);
          for (const address of record.EmailAddresses) addAddress.run(address, id);
        });
        continue;
      }
      const { id, mailbox } = existing;
      const merged = account.merge(mailbox, record);
      if (givenFields(record).has('OrganizationalUnit')) merged.OrganizationalUnit = units.ensure(merged.OrganizationalUnit);
      const properties = account.update(mailbox, merged);
      if (properties.length === 0) continue;
      const values = changedColumns(properties, merged, mailbox.IsAdministrator);
      // One statement per set of changed columns: a feed changes the same few columns row after row.
      const key = Object.keys(values).join(' ');
      const update = updates.get(key) ?? db.prepare(`UPDATE mailboxes SET ${[...Object.keys(values), 'when_changed'].map((c) => `${c} = :${c}`).join(', ')} WHERE id = :id`);
      updates.set(key, update);
      write(record, () => {
        update.run({ ...values, when_changed: stamp, id });
        if (properties.includes('EmailAddresses')) {
          clearAddresses.run(id);
          for (const address of merged.EmailAddresses) addAddress.run(address, id);
        }
      });
    }
    progress?.tick(batch.length);
  }
  summary.organizationalUnitsCreated = units.created;
  storeAdministratorDisabled(db);
  const writes = cas.writes;
  if (writes.length > 0) {
    const applied = applyCasChanges(db, latestWrites(writes), change, progress);
    summary.changeId = applied.changeId;
    summary.casChanges = applied.settings;
  }
  return summary;
}

/**
 * The Administrator's rows hold every protocol the rule covers disabled, not only read so: one renamed to the
 * built-in account by this import, or one an older casctl stored enabled. An Administrator read
 * disabled already, so this changes nothing a read shows, and nothing is recorded.
 */
function storeAdministratorDisabled(db: Db): void {
  const columns = ADMINISTRATOR_REFUSED.map((p) => ENABLED_COLUMN[p.name]);
  if (columns.length === 0) return;
  db.prepare(`UPDATE mailboxes SET ${columns.map((c) => `${c} = 0`).join(', ')} WHERE is_administrator = 1 AND (${columns.join(' OR ')})`).run();
}

function insertValues(record: CompleteRecord, ou: string, stamp: string, defaults: TransportConfig): Values {
  const values: Values = {
    guid: record.Guid ?? newGuid(),
    is_administrator: Number(isAdministratorAccount(record.SamAccountName)),
    password: record.Password,
    when_created: stamp,
    when_changed: stamp,
  };
  for (const protocol of PROTOCOLS) {
    const value = record[protocol.property];
    if (!isNullable(protocol)) {
      values[ENABLED_COLUMN[protocol.name]] = Number(value);
      continue;
    }
    values[settingColumn(protocol)] = value === null ? null : Number(value);
    values[ENABLED_COLUMN[protocol.name]] = Number(admits(protocol, value, defaults[protocol.property as keyof TransportConfig]));
  }
  const withOu = { ...record, OrganizationalUnit: ou };
  for (const [field, column] of Object.entries(TEXT_COLUMNS)) values[column] = withOu[field as keyof typeof TEXT_COLUMNS];
  values.distinguished_name = record.DistinguishedName ?? derivedDn(withOu);
  CUSTOM_COLUMNS.forEach((column, i) => {
    values[column] = record.CustomAttributes[i] ?? null;
  });
  return values;
}

/** The `mailboxes` columns holding the changed properties (EmailAddresses lives in its own table), with their new values. */
function changedColumns(properties: readonly string[], merged: CompleteRecord, wasAdministrator: boolean): Values {
  const columns: Values = {};
  for (const property of properties) {
    if (property === 'EmailAddresses') continue;
    if (property === 'Password') columns.password = merged.Password;
    else if (property in TEXT_COLUMNS) {
      const field = property as keyof typeof TEXT_COLUMNS;
      columns[TEXT_COLUMNS[field]] = merged[field];
    } else {
      const n = Number(/^CustomAttribute(\d+)$/.exec(property)?.[1]);
      columns[`custom_attribute_${n}`] = merged.CustomAttributes[n - 1] ?? null;
    }
  }
  // The flag sticks: renaming the built-in account must not let it use a protocol the rule covers.
  if (properties.includes('SamAccountName')) columns.is_administrator = Number(wasAdministrator || isAdministratorAccount(merged.SamAccountName));
  return columns;
}

function describeConstraint(error: unknown): string {
  const message = (error as Error).message;
  const column = /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(message);
  if (column !== null) {
    const key: Record<string, UniqueKey> = {
      address: 'EmailAddresses',
      sam_account_name: 'SamAccountName',
      user_principal_name: 'UserPrincipalName',
      primary_smtp_address: 'PrimarySmtpAddress',
      distinguished_name: 'DistinguishedName',
      guid: 'Guid',
    };
    const taken = key[column[2] ?? ''];
    return taken === undefined ? message : alreadyTaken(taken);
  }
  return message;
}
