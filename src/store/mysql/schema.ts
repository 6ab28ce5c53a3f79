import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS } from '../../core/mailbox.js';
import type { Migration } from '../sql/migrations.js';
import { binaryCollation, caseInsensitiveCollation, type MysqlFlavor } from './dialect.js';

/**
 * The columns that have a folded twin, `<column>_folded` = LOWER(column) in the binary collation,
 * stored and indexed: the keys casctl looks mailboxes up by. The dialect reads a folded column
 * from its twin (MariaDB 10.11 has no index on an expression), so every table with such a column
 * has the twin too; the unique keys are on the twins:
 * the case-insensitive collation also ignores accents, so a key on the column itself would take
 * 'josé@…' and 'jose@…' for the same address, which Exchange keeps apart.
 */
export const FOLDED_COLUMNS: readonly string[] = [
  'guid', 'distinguished_name', 'name', 'alias', 'sam_account_name', 'user_principal_name', 'primary_smtp_address', 'address',
  'canonical_name', 'mailbox_guid', 'scope',
];

/** The tables of the store's database, for sql/migrations.ts to tell an empty database, casctl's, and another's apart. */
export const TABLES_QUERY = 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()';

/**
 * casctl's schema on MySQL and MariaDB, as migrations (sql/migrations.ts runs and records them,
 * under the writer lock, a GET_LOCK that two `casctl init` at once take in turn). MySQL commits
 * each DDL statement as it goes, not with the migration's transaction, so every statement may
 * run twice (IF NOT EXISTS, INSERT IGNORE): a migration cut short runs again whole, and is recorded
 * only once all of it is there. Never edit a released migration: add one. The mailbox tables and
 * columns are the SQLite store's, which Dovecot's queries read.
 */
export function mysqlMigrations(flavor: MysqlFlavor): readonly Migration[] {
  const ci = `CHARACTER SET utf8mb4 COLLATE ${caseInsensitiveCollation(flavor)}`;
  const bin = `CHARACTER SET utf8mb4 COLLATE ${binaryCollation(flavor)}`;
  const table = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${caseInsensitiveCollation(flavor)}`;
  const text = (column: string, length: number, extra = ''): string => `${column} VARCHAR(${length}) ${ci}${extra}`;
  const folded = (column: string, length: number): string => `${column}_folded VARCHAR(${length}) ${bin} AS (LOWER(${column})) STORED`;
  const flag = (column: string, fallback: 0 | 1 | null): string =>
    fallback === null ? `${column} TINYINT NULL CHECK (${column} IN (0, 1))` : `${column} TINYINT NOT NULL DEFAULT ${fallback} CHECK (${column} IN (0, 1))`;
  const stamp = (column: string, nullable = false): string => `${column} VARCHAR(40) ${bin}${nullable ? '' : ' NOT NULL'}`;
  const customAttributes = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n} TEXT ${ci}`);
  const recipientTypes = RECIPIENT_TYPE_DETAILS.map((t) => `'${t}'`).join(', ');
  return [
    [
      `CREATE TABLE IF NOT EXISTS organizational_units (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ${text('guid', 64, ' NOT NULL')}, ${folded('guid', 64)},
  ${text('name', 256, ' NOT NULL')}, ${folded('name', 256)},
  ${text('canonical_name', 768, ' NOT NULL')}, ${folded('canonical_name', 768)},
  ${text('distinguished_name', 768, ' NOT NULL')}, ${folded('distinguished_name', 768)},
  UNIQUE KEY organizational_units_guid_key (guid_folded),
  UNIQUE KEY organizational_units_canonical_name_key (canonical_name_folded),
  UNIQUE KEY organizational_units_distinguished_name_key (distinguished_name_folded),
  KEY organizational_units_name (name_folded)
) ${table}`,
      `CREATE TABLE IF NOT EXISTS mailboxes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ${text('guid', 64, ' NOT NULL')}, ${folded('guid', 64)},
  ${text('distinguished_name', 768, ' NOT NULL')}, ${folded('distinguished_name', 768)},
  ${text('name', 256, ' NOT NULL')}, ${folded('name', 256)},
  ${text('display_name', 256, ' NOT NULL')},
  ${text('alias', 256, ' NOT NULL')}, ${folded('alias', 256)},
  ${text('sam_account_name', 256, ' NOT NULL')}, ${folded('sam_account_name', 256)},
  ${text('user_principal_name', 320, ' NOT NULL')}, ${folded('user_principal_name', 320)},
  -- lower-case: Dovecot lower-cases logins before it looks them up
  ${text('primary_smtp_address', 320, ' NOT NULL')}, ${folded('primary_smtp_address', 320)},
  ${text('organizational_unit', 768, ' NOT NULL')},
  ${text('department', 256)},
  title TEXT ${ci}, company TEXT ${ci}, office TEXT ${ci}, city TEXT ${ci}, state_or_province TEXT ${ci}, country_or_region TEXT ${ci},
  ${customAttributes.join(',\n  ')},
  ${text('recipient_type_details', 64, ` NOT NULL CHECK (recipient_type_details IN (${recipientTypes}))`)},
  ${flag('is_administrator', 0)},
  ${flag('pop_enabled', 1)}, ${flag('imap_enabled', 1)}, ${flag('owa_enabled', 1)}, ${flag('manage_sieve_enabled', 1)},
  ${flag('pop_use_protocol_defaults', 1)}, ${flag('imap_use_protocol_defaults', 1)},
  -- NULL: follows the organisation default (transport_config); smtp_enabled is kept equal to what both make
  ${flag('smtp_client_authentication_disabled', null)}, ${flag('smtp_enabled', 1)},
  -- with a Dovecot scheme prefix, e.g. {SHA512-CRYPT}$6$...; NULL: no login possible
  password TEXT ${bin},
  ${stamp('when_created')}, ${stamp('when_changed')},
  CONSTRAINT mailboxes_primary_smtp_address_lower CHECK (primary_smtp_address_folded = primary_smtp_address),
  UNIQUE KEY mailboxes_guid_key (guid_folded),
  -- an import finds the rows it just inserted by their Guids as written
  KEY mailboxes_guid (guid),
  UNIQUE KEY mailboxes_distinguished_name_key (distinguished_name_folded),
  UNIQUE KEY mailboxes_sam_account_name_key (sam_account_name_folded),
  UNIQUE KEY mailboxes_user_principal_name_key (user_principal_name_folded),
  UNIQUE KEY mailboxes_primary_smtp_address_key (primary_smtp_address_folded),
  KEY mailboxes_name (name_folded),
  KEY mailboxes_alias (alias_folded),
  KEY mailboxes_organizational_unit (organizational_unit),
  KEY mailboxes_department (department)
) ${table}`,
      // Every proxy address, the primary one included (EmailAddresses), in the mailbox's order.
      `CREATE TABLE IF NOT EXISTS email_addresses (
  ${text('address', 320, ' NOT NULL')}, ${folded('address', 320)},
  mailbox_id BIGINT NOT NULL,
  position INT NOT NULL,
  UNIQUE KEY email_addresses_address_key (address_folded),
  KEY email_addresses_mailbox (mailbox_id, position),
  CONSTRAINT email_addresses_mailbox_fk FOREIGN KEY (mailbox_id) REFERENCES mailboxes (id) ON DELETE CASCADE
) ${table}`,
      // The change history (DESIGN.md §4), written in the same transaction as the change it records.
      `CREATE TABLE IF NOT EXISTS change_records (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ${stamp('when_changed')},
  os_user TEXT ${bin} NOT NULL,
  sudo_user TEXT ${bin},
  host TEXT ${bin} NOT NULL,
  command_line MEDIUMTEXT ${bin} NOT NULL,
  -- the change this one undid, if it is an undo. No foreign key: InnoDB checks one row at a
  -- time, so a prune that removes an undo with the change it undid would fail on their order;
  -- the prune keeps every record an undo that stays names.
  undo_of BIGINT NULL,
  KEY change_records_when (when_changed)
) ${table}`,
      `CREATE TABLE IF NOT EXISTS change_items (
  change_id BIGINT NOT NULL,
  -- no foreign key: the history outlives a deleted mailbox, which the Guid still names
  mailbox_id BIGINT NOT NULL,
  ${text('mailbox_guid', 64, ' NOT NULL')}, ${folded('mailbox_guid', 64)},
  property VARCHAR(64) ${bin} NOT NULL,
  -- NULL only for a nullable setting ($null: the mailbox follows the organisation default)
  ${flag('before_value', null)}, ${flag('after_value', null)},
  PRIMARY KEY (change_id, mailbox_id, property),
  KEY change_items_mailbox (mailbox_guid_folded),
  CONSTRAINT change_items_change_fk FOREIGN KEY (change_id) REFERENCES change_records (id)
) ${table}`,
      // When each protocol service last refreshed its caches, to tell which changes it has not seen.
      `CREATE TABLE IF NOT EXISTS service_state (
  name VARCHAR(128) ${bin} NOT NULL PRIMARY KEY, ${folded('name', 128)},
  refreshed_through BIGINT NOT NULL,
  ${stamp('refreshed_at')}
) ${table}`,
      // CAS mailbox plans: sparse defaults for new mailboxes, per scope ('' = the directory plan, else an OU's canonical name).
      `CREATE TABLE IF NOT EXISTS casmailbox_plans (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ${text('guid', 64, ' NOT NULL')}, ${folded('guid', 64)},
  ${text('scope', 768, ' NOT NULL')}, ${folded('scope', 768)},
  ${stamp('when_changed')},
  UNIQUE KEY casmailbox_plans_guid_key (guid_folded),
  UNIQUE KEY casmailbox_plans_scope_key (scope_folded)
) ${table}`,
      `CREATE TABLE IF NOT EXISTS casmailbox_plan_settings (
  plan_id BIGINT NOT NULL,
  property VARCHAR(64) ${bin} NOT NULL,
  ${flag('value', null)},
  PRIMARY KEY (plan_id, property),
  CONSTRAINT casmailbox_plan_settings_plan_fk FOREIGN KEY (plan_id) REFERENCES casmailbox_plans (id) ON DELETE CASCADE
) ${table}`,
      `CREATE TABLE IF NOT EXISTS plan_change_items (
  change_id BIGINT NOT NULL,
  plan_guid VARCHAR(64) ${ci} NOT NULL,
  ${text('scope', 768, ' NOT NULL')}, ${folded('scope', 768)},
  property VARCHAR(64) ${bin} NOT NULL,
  -- *_set = 0: the plan did not hold the setting (inherited)
  ${flag('before_set', 0)}, ${flag('before_value', null)}, ${flag('after_set', 0)}, ${flag('after_value', null)},
  PRIMARY KEY (change_id, plan_guid, property),
  CONSTRAINT plan_change_items_change_fk FOREIGN KEY (change_id) REFERENCES change_records (id)
) ${table}`,
      `CREATE TABLE IF NOT EXISTS transport_config (
  id INT NOT NULL PRIMARY KEY CHECK (id = 1),
  ${flag('smtp_client_authentication_disabled', 0)}
) ${table}`,
      'INSERT IGNORE INTO transport_config (id, smtp_client_authentication_disabled) VALUES (1, 0)',
      `CREATE TABLE IF NOT EXISTS transport_config_changes (
  change_id BIGINT NOT NULL,
  property VARCHAR(64) ${bin} NOT NULL,
  before_value TINYINT NOT NULL CHECK (before_value IN (0, 1)),
  after_value TINYINT NOT NULL CHECK (after_value IN (0, 1)),
  PRIMARY KEY (change_id, property),
  CONSTRAINT transport_config_changes_change_fk FOREIGN KEY (change_id) REFERENCES change_records (id)
) ${table}`,
    ],
  ];
}
