import { ConfigError } from '../../core/errors.js';
import { configObject, configText, onlyKeys, parseSwitchProtocols, profileRoot, type ProfileSetting } from '../mapping-profiles.js';
import { DEFAULT_COLUMN } from './casctl-columns.js';
import { TEXT_FIELDS, type MailboxSchema, type TextField } from './mailbox-schema.js';
import { MAPPED_TABLE_PREFIX } from './sql-profiles.js';

/**
 * The generic profile form of the configuration file's `"postgres"`/`"mysql": { "profile": {...} }`:
 * a mapping onto tables casctl did not make, validated with errors that name the key at fault.
 *
 *   "profile": {
 *     "name": "acme",
 *     "mailboxes": { "table": "users", "key": "email", "keyType": "text", "password": "pw",
 *                    "whenCreated": "created", "whenChanged": "modified", "administrator": "is_root",
 *                    "columns": { "Name": "email", "PrimarySmtpAddress": "email", "DisplayName": "full_name", "OrganizationalUnit": "domain" } },
 *     "switches": { "pop3": ["pop3", "pop3s"], "imap": ["imap"], "owa": { "follows": "imap" }, "smtp": ["smtp"], "sieve": ["sieve"] },
 *     "addresses": { "table": "aliases", "mailbox": "target", "address": "alias", "position": "id", "only": { "column": "kind", "value": 1 } },
 *     "organizationalUnits": { "table": "domains", "name": "domain" }
 *   }
 *
 * Every protocol of the registry must be mapped (columns, or `follows` another); a switch column
 * holds 1 or 0. OUs are one level, a table of names (domains) that the mailboxes' OrganizationalUnit
 * column names. A property left out of "columns" is one the schema lacks: it reads empty. Without
 * "addresses" a mailbox's only address is its PrimarySmtpAddress. Tables and columns are checked
 * against the database when the store opens.
 */
const KEYS = ['name', 'mailboxes', 'switches', 'addresses', 'organizationalUnits'] as const;
const MAILBOX_KEYS = ['table', 'key', 'keyType', 'password', 'whenCreated', 'whenChanged', 'administrator', 'columns'] as const;

/** A plain SQL identifier: what every engine takes quoted, and what no one misreads. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$-]{0,63}$/;

function identifier(value: unknown, where: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) throw new ConfigError(`${where} must be a table or column name (letters, digits, _, $ and -, at most 64).`);
  return value;
}

const optional = (value: unknown, where: string): string | null => (value === undefined || value === null ? null : identifier(value, where));

function columns(value: unknown, where: string): Record<TextField, string | null> {
  const given = configObject(value, where);
  const mapped = TEXT_FIELDS.filter((f) => f !== 'Guid' && f !== 'DistinguishedName');
  onlyKeys(given, [...mapped, 'Guid'], where);
  const result = Object.fromEntries(TEXT_FIELDS.map((f) => [f, optional(given[f], `${where}.${f}`)])) as Record<TextField, string | null>;
  for (const required of ['Name', 'PrimarySmtpAddress'] as const) {
    if (result[required] === null) throw new ConfigError(`${where}.${required} is required: casctl names and finds mailboxes by it.`);
  }
  return result;
}

function addresses(value: unknown, where: string, fallback: MailboxSchema['addresses']): MailboxSchema['addresses'] {
  if (value === undefined) return fallback;
  const given = configObject(value, where);
  onlyKeys(given, ['table', 'mailbox', 'address', 'position', 'only'], where);
  let only: MailboxSchema['addresses']['only'] = null;
  if (given.only !== undefined) {
    const o = configObject(given.only, `${where}.only`);
    onlyKeys(o, ['column', 'value'], `${where}.only`);
    if (typeof o.value !== 'number' || !Number.isInteger(o.value)) throw new ConfigError(`${where}.only.value must be an integer.`);
    only = { column: identifier(o.column, `${where}.only.column`), value: o.value };
  }
  return {
    table: identifier(given.table, `${where}.table`),
    mailboxId: identifier(given.mailbox, `${where}.mailbox`),
    address: identifier(given.address, `${where}.address`),
    position: optional(given.position, `${where}.position`),
    only,
    holdsPrimary: false,
  };
}

/** Validates `"<section>": { "profile": ... }` of the configuration file at `path`. */
export function parseSqlProfile(value: unknown, section: string, path: string): ProfileSetting<MailboxSchema> {
  const given = profileRoot(value, section, path, KEYS);
  if (typeof given === 'string') return given;
  const { profile, root } = given;
  const at = (key: string): string => `${root}.${key}`;
  const m = configObject(profile.mailboxes, at('mailboxes'));
  onlyKeys(m, MAILBOX_KEYS, at('mailboxes'));
  const mailboxAt = (key: string): string => `${at('mailboxes')}.${key}`;
  const keyType = m.keyType ?? 'text';
  if (keyType !== 'text' && keyType !== 'int') throw new ConfigError(`${mailboxAt('keyType')} must be "text" or "int".`);
  const table = identifier(m.table, mailboxAt('table'));
  const key = identifier(m.key, mailboxAt('key'));
  const text = columns(m.columns, mailboxAt('columns'));
  const units = configObject(profile.organizationalUnits, at('organizationalUnits'));
  onlyKeys(units, ['table', 'name'], at('organizationalUnits'));
  if (text.OrganizationalUnit === null) throw new ConfigError(`${mailboxAt('columns')}.OrganizationalUnit is required: the column naming the OU (e.g. the domain) of a mailbox.`);
  const unitName = identifier(units.name, `${at('organizationalUnits')}.name`);
  return {
    profile: configText(profile.name, at('name')),
    ownTablePrefix: MAPPED_TABLE_PREFIX,
    mailboxes: {
      table,
      id: key,
      idType: keyType,
      text,
      customAttributes: [],
      isAdministrator: optional(m.administrator, mailboxAt('administrator')),
      password: identifier(m.password, mailboxAt('password')),
      whenCreated: identifier(m.whenCreated, mailboxAt('whenCreated')),
      whenChanged: identifier(m.whenChanged, mailboxAt('whenChanged')),
      ownsTimes: false,
      enabled: parseSwitchProtocols(profile.switches, at('switches'), identifier, 'column'),
      setting: {},
      useDefaults: {},
    },
    addresses: addresses(profile.addresses, at('addresses'), { table, mailboxId: key, address: text.PrimarySmtpAddress as string, position: null, only: null, holdsPrimary: true }),
    organizationalUnits: { table: identifier(units.table, `${at('organizationalUnits')}.table`), guid: null, name: unitName, canonicalName: unitName, distinguishedName: null },
    transportConfig: { table: `${MAPPED_TABLE_PREFIX}transport_config`, defaults: DEFAULT_COLUMN },
  };
}
