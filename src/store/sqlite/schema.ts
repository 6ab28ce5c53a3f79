import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS } from '../../core/mailbox.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many have run.
 * Never edit a released migration: add one. Dovecot reads `mailboxes` directly (see
 * `get-dovecotconfig`), so its column names are part of casctl's public contract.
 */
const customAttributeColumns = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `  custom_attribute_${n} TEXT COLLATE NOCASE,`).join('\n');
const recipientTypes = RECIPIENT_TYPE_DETAILS.map((t) => `'${t}'`).join(', ');

export const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE organizational_units (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  canonical_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  distinguished_name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE INDEX organizational_units_name ON organizational_units(name);

CREATE TABLE mailboxes (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE COLLATE NOCASE,
  distinguished_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  display_name TEXT NOT NULL COLLATE NOCASE,
  alias TEXT NOT NULL COLLATE NOCASE,
  sam_account_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  user_principal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  -- lower-case: Dovecot lower-cases logins before it looks them up
  primary_smtp_address TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (primary_smtp_address = lower(primary_smtp_address) COLLATE BINARY),
  organizational_unit TEXT NOT NULL COLLATE NOCASE,
  department TEXT COLLATE NOCASE,
  title TEXT COLLATE NOCASE,
  company TEXT COLLATE NOCASE,
  office TEXT COLLATE NOCASE,
  city TEXT COLLATE NOCASE,
  state_or_province TEXT COLLATE NOCASE,
  country_or_region TEXT COLLATE NOCASE,
${customAttributeColumns}
  recipient_type_details TEXT NOT NULL COLLATE NOCASE CHECK (recipient_type_details IN (${recipientTypes})),
  is_administrator INTEGER NOT NULL DEFAULT 0 CHECK (is_administrator IN (0, 1)),
  pop_enabled INTEGER NOT NULL DEFAULT 1 CHECK (pop_enabled IN (0, 1)),
  imap_enabled INTEGER NOT NULL DEFAULT 1 CHECK (imap_enabled IN (0, 1)),
  pop_use_protocol_defaults INTEGER NOT NULL DEFAULT 1 CHECK (pop_use_protocol_defaults IN (0, 1)),
  imap_use_protocol_defaults INTEGER NOT NULL DEFAULT 1 CHECK (imap_use_protocol_defaults IN (0, 1)),
  -- with a Dovecot scheme prefix, e.g. {SHA512-CRYPT}$6$...; NULL: no login possible
  password TEXT,
  when_created TEXT NOT NULL,
  when_changed TEXT NOT NULL
);
CREATE INDEX mailboxes_name ON mailboxes(name);
CREATE INDEX mailboxes_alias ON mailboxes(alias);
CREATE INDEX mailboxes_organizational_unit ON mailboxes(organizational_unit);
CREATE INDEX mailboxes_department ON mailboxes(department);

-- every proxy address, the primary one included (EmailAddresses)
CREATE TABLE email_addresses (
  address TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE
);
CREATE INDEX email_addresses_mailbox ON email_addresses(mailbox_id);
`,
  // 2: change history (DESIGN.md §4), written in the same transaction as the change it records.
  `
CREATE TABLE change_records (
  id INTEGER PRIMARY KEY,
  when_changed TEXT NOT NULL,
  os_user TEXT NOT NULL,
  sudo_user TEXT,
  host TEXT NOT NULL,
  command_line TEXT NOT NULL,
  -- the change this one undid, if it is an undo
  undo_of INTEGER REFERENCES change_records(id)
);
CREATE INDEX change_records_when ON change_records(when_changed);

CREATE TABLE change_items (
  change_id INTEGER NOT NULL REFERENCES change_records(id),
  -- no foreign key: the history outlives a deleted mailbox, which the Guid still names
  mailbox_id INTEGER NOT NULL,
  mailbox_guid TEXT NOT NULL COLLATE NOCASE,
  property TEXT NOT NULL,
  before INTEGER NOT NULL CHECK (before IN (0, 1)),
  after INTEGER NOT NULL CHECK (after IN (0, 1)),
  PRIMARY KEY (change_id, mailbox_id, property)
) WITHOUT ROWID;
CREATE INDEX change_items_mailbox ON change_items(mailbox_guid);
`,
  // 3: when each protocol service last refreshed its caches, to tell which changes it has not seen.
  `
CREATE TABLE service_state (
  name TEXT NOT NULL PRIMARY KEY,
  -- every change up to this change_records id has been made effective
  refreshed_through INTEGER NOT NULL,
  refreshed_at TEXT NOT NULL
);
`,
  // 4: OWAEnabled (IMAP from the webmail hosts); existing mailboxes keep webmail, as they kept IMAP.
  `
ALTER TABLE mailboxes ADD COLUMN owa_enabled INTEGER NOT NULL DEFAULT 1 CHECK (owa_enabled IN (0, 1));
`,
  // 5: CAS mailbox plans (get-/set-casmailboxplan): sparse defaults for new mailboxes, per scope.
  // Property names are data, so a protocol added later needs no migration here. A plan change is a
  // change record; its items live apart from change_items, whose values cannot be unset.
  `
CREATE TABLE casmailbox_plans (
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE COLLATE NOCASE,
  -- '' = the directory plan; else an OU canonical name, as mailboxes.organizational_unit stores it
  scope TEXT NOT NULL UNIQUE COLLATE NOCASE,
  when_changed TEXT NOT NULL
);
CREATE TABLE casmailbox_plan_settings (
  plan_id INTEGER NOT NULL REFERENCES casmailbox_plans(id) ON DELETE CASCADE,
  -- a CAS setting of the registry (core/protocols.ts)
  property TEXT NOT NULL,
  -- NULL only for a nullable setting (the registry's nullable: follow the organisation default)
  value INTEGER CHECK (value IN (0, 1)),
  PRIMARY KEY (plan_id, property)
) WITHOUT ROWID;
CREATE TABLE plan_change_items (
  change_id INTEGER NOT NULL REFERENCES change_records(id),
  plan_guid TEXT NOT NULL COLLATE NOCASE,
  scope TEXT NOT NULL COLLATE NOCASE,
  property TEXT NOT NULL,
  -- *_set = 0: the plan did not hold the setting (inherited)
  before_set INTEGER NOT NULL CHECK (before_set IN (0, 1)),
  before INTEGER CHECK (before IS NULL OR (before IN (0, 1) AND before_set = 1)),
  after_set INTEGER NOT NULL CHECK (after_set IN (0, 1)),
  after INTEGER CHECK (after IS NULL OR (after IN (0, 1) AND after_set = 1)),
  PRIMARY KEY (change_id, plan_guid, property)
) WITHOUT ROWID;
`,
  // 6: ManageSieveEnabled: existing mailboxes keep ManageSieve, as a new one gets it.
  `
ALTER TABLE mailboxes ADD COLUMN manage_sieve_enabled INTEGER NOT NULL DEFAULT 1 CHECK (manage_sieve_enabled IN (0, 1));
`,
  // 7: SMTP AUTH (SmtpClientAuthenticationDisabled): the setting as set (NULL: follow the
  // organisation default), the effective flag Dovecot reads, and the organisation default, whose
  // built-in value (0: allowed) leaves every existing mailbox as it was. change_items is rebuilt
  // so that an item can record NULL (SQLite cannot alter a CHECK), and an organisation default's
  // change is recorded in a table of its own.
  `
ALTER TABLE mailboxes ADD COLUMN smtp_client_authentication_disabled INTEGER CHECK (smtp_client_authentication_disabled IN (0, 1));
ALTER TABLE mailboxes ADD COLUMN smtp_enabled INTEGER NOT NULL DEFAULT 1 CHECK (smtp_enabled IN (0, 1));
CREATE INDEX mailboxes_smtp_follows_default ON mailboxes(id) WHERE smtp_client_authentication_disabled IS NULL;

CREATE TABLE transport_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  smtp_client_authentication_disabled INTEGER NOT NULL CHECK (smtp_client_authentication_disabled IN (0, 1))
);
INSERT INTO transport_config (id, smtp_client_authentication_disabled) VALUES (1, 0);

CREATE TABLE change_items_nullable (
  change_id INTEGER NOT NULL REFERENCES change_records(id),
  mailbox_id INTEGER NOT NULL,
  mailbox_guid TEXT NOT NULL COLLATE NOCASE,
  property TEXT NOT NULL,
  -- NULL only for a nullable setting ($null: the mailbox follows the organisation default)
  before INTEGER CHECK (before IN (0, 1)),
  after INTEGER CHECK (after IN (0, 1)),
  PRIMARY KEY (change_id, mailbox_id, property)
) WITHOUT ROWID;
INSERT INTO change_items_nullable (change_id, mailbox_id, mailbox_guid, property, before, after)
  SELECT change_id, mailbox_id, mailbox_guid, property, before, after FROM change_items;
DROP TABLE change_items;
ALTER TABLE change_items_nullable RENAME TO change_items;
CREATE INDEX change_items_mailbox ON change_items(mailbox_guid);

CREATE TABLE transport_config_changes (
  change_id INTEGER NOT NULL REFERENCES change_records(id),
  property TEXT NOT NULL,
  before INTEGER NOT NULL CHECK (before IN (0, 1)),
  after INTEGER NOT NULL CHECK (after IN (0, 1)),
  PRIMARY KEY (change_id, property)
) WITHOUT ROWID;
`,
];
