import type { CasSettingName, NullableProtocol, SettingValue } from '../../core/protocols.js';
import { chooseProfile, unwritableSetting, type ProfileSources } from '../mapping-profiles.js';
import { DEFAULT_COLUMN } from './casctl-columns.js';
import { CASCTL_MAILBOX_SCHEMA, type MailboxSchema } from './mailbox-schema.js';

/** Where casctl keeps its own tables beside a mapped schema: `casctl_change_records`, ... */
export const MAPPED_TABLE_PREFIX = 'casctl_';

/**
 * iRedMail on MariaDB/MySQL or PostgreSQL, from its published schema facts: a mailbox is a row of
 * `mailbox` keyed by `username` (the address), with `name`, `domain`, `local_part`,
 * `department`, `password` (a Dovecot scheme prefix), `created`/`modified`, and a 1/0 switch
 * column per service that iRedMail's Dovecot passdb query reads as `enable%Ls%Lc` (2.3) or
 * `enable%{protocol | lower}%{secured | lower}` (2.4): `enableimap` for a plain login,
 * `enableimapsecured` for a secured one, `enableimaptls` beside them. So each protocol is every
 * column of that service iRedMail writes for a new user, set and cleared together; the others
 * (`enablelda`, `enablelmtp`, `enabledoveadm`, ...) are Dovecot's internal services, never
 * touched. A mailbox's other addresses are `forwardings` rows with `is_alias = 1`
 * (address → forwarding = the mailbox); domains are the `domain` table, the OUs.
 *
 * As on LDAP (ldap/profiles.ts): the webmail logs in over IMAP, so OWAEnabled reads as
 * ImapEnabled and cannot be set; SMTP AUTH is its columns alone, never the organisation default;
 * no mailbox is the Administrator (`isadmin`/`isglobaladmin` are iRedAdmin's rights, and
 * iRedMail's Dovecot does not apply casctl's rule, so a mailbox reported refused would still log in).
 */
export const IREDMAIL_SQL_PROFILE: MailboxSchema = {
  profile: 'iredmail',
  ownTablePrefix: MAPPED_TABLE_PREFIX,
  mailboxes: {
    table: 'mailbox',
    id: 'username',
    idType: 'text',
    text: {
      // iRedMail keeps no id of its own: the Guid is derived from the address.
      Guid: null,
      DistinguishedName: null,
      Name: 'username',
      DisplayName: 'name',
      Alias: 'local_part',
      SamAccountName: null,
      UserPrincipalName: null,
      PrimarySmtpAddress: 'username',
      OrganizationalUnit: 'domain',
      Department: 'department',
      Title: null,
      Company: null,
      Office: null,
      City: null,
      StateOrProvince: null,
      CountryOrRegion: null,
      RecipientTypeDetails: null,
    },
    customAttributes: [],
    isAdministrator: null,
    password: 'password',
    whenCreated: 'created',
    whenChanged: 'modified',
    ownsTimes: false,
    enabled: {
      pop3: ['enablepop3', 'enablepop3secured', 'enablepop3tls'],
      imap: ['enableimap', 'enableimapsecured', 'enableimaptls'],
      owa: { follows: 'imap' },
      smtp: ['enablesmtp', 'enablesmtpsecured'],
      sieve: ['enablesieve', 'enablesievesecured', 'enablemanagesieve', 'enablemanagesievesecured'],
    },
    setting: {},
    useDefaults: {},
  },
  addresses: { table: 'forwardings', mailboxId: 'forwarding', address: 'address', position: 'id', only: { column: 'is_alias', value: 1 }, holdsPrimary: false },
  organizationalUnits: { table: 'domain', guid: null, name: 'domain', canonicalName: 'domain', distinguishedName: null },
  transportConfig: { table: `${MAPPED_TABLE_PREFIX}transport_config`, defaults: DEFAULT_COLUMN },
};

/** The profiles `casctl init --profile` and the configuration's `"postgres"`/`"mysql": { "profile": "<name>" }` name. */
export const BUILT_IN_SQL_PROFILES: ReadonlyMap<string, MailboxSchema> = new Map([[IREDMAIL_SQL_PROFILE.profile as string, IREDMAIL_SQL_PROFILE]]);

/** Why the schema cannot hold `to` for the setting (mapping-profiles.ts); null when it can. */
export function unwritableSqlSetting(schema: MailboxSchema, property: CasSettingName, to: SettingValue): string | null {
  return unwritableSetting(
    {
      profile: `The SQL profile '${schema.profile ?? 'casctl'}'`,
      switches: schema.mailboxes.enabled,
      holders: `its ${schema.mailboxes.table} switch columns`,
      holdsSetting: (protocol) => schema.mailboxes.setting[protocol as NullableProtocol['name']] !== undefined,
    },
    property,
    to,
  );
}

/** The schema an SQL store is opened with (mapping-profiles.ts decides), its casctl_profile table recording the profile. */
export function chooseSqlSchema(sources: ProfileSources<MailboxSchema>, section: string, url: string): MailboxSchema {
  return chooseProfile(
    { kind: 'SQL', section, own: CASCTL_MAILBOX_SCHEMA, builtIn: BUILT_IN_SQL_PROFILES, nameOf: (s) => s.profile, ownSchemaHint: 'use a database of its own for casctl' },
    sources,
    url,
  );
}
