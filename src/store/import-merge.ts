import { effectiveEnabled, isAdministratorAccount, refusesAdministrator, refusesWrite } from '../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, fold, type Mailbox } from '../core/mailbox.js';
import { CAS_SETTINGS, PROTOCOLS, isCasSetting, perCasSetting, type CasSettingValues, type UseDefaultsName } from '../core/protocols.js';
import type { PlanBook } from '../core/mailbox-plans.js';
import type { AdministratorRow, ChangeContext, CompleteRecord, ImportField, ImportItem, ImportOptions, ImportValue, ImportRecord, SettingWrite } from './directory-store.js';

/**
 * The import rules every store driver shares (DESIGN.md §5 "Rules once"): what an update of an
 * existing mailbox leads to, what changed, and the Administrator rule.
 */

const TEXT_FIELDS = [
  'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'OrganizationalUnit', 'Department', 'Title',
  'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion', 'RecipientTypeDetails',
] as const;

const ALL_FIELDS: readonly ImportField[] = [
  ...TEXT_FIELDS, 'DistinguishedName', 'EmailAddresses', ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `CustomAttribute${n}` as const),
  ...CAS_SETTINGS, 'Password',
];

/** The fields a record sets: a record without Given is a whole mailbox. */
export function givenFields(record: ImportRecord): ReadonlySet<ImportField> {
  return new Set(record.Given ?? ALL_FIELDS);
}

/** Who an import's CAS changes are recorded as made by, when the caller did not say. */
export function importChange(when: Date, options: ImportOptions): ChangeContext {
  return options.change ?? { when, osUser: 'unknown', sudoUser: null, host: 'unknown', commandLine: '(import through the store API)' };
}

/** The stored mailbox fields a merge reads. */
export type StoredMailbox = Omit<Mailbox, UseDefaultsName | 'WhenCreated' | 'WhenChanged'>;

/** The Administrator's CAS settings as stored: disabled where the rule covers the protocol, as given elsewhere. */
// A protocol the rule does not cover keeps the record's value, so a nullable one's $null stays $null.
const asAdministrator = (record: CompleteRecord): CasSettingValues =>
  perCasSetting((p) => (refusesAdministrator(p) ? effectiveEnabled(p, true, record[p.property] === true) : record[p.property])) as CasSettingValues;

/**
 * Each CAS setting of a new mailbox: as the row gives it, else the effective plan of its OU (the
 * nearest plan holding the setting, then the directory plan, then the built-in default).
 */
export function plannedSettings(record: ImportRecord, plans: PlanBook): CompleteRecord {
  const effective = plans.effective(record.OrganizationalUnit);
  // A plan holds null only for a nullable setting (mailbox-plans.ts), whose mailbox field holds null too.
  // Undefined, not null, means the row does not give it: an explicit $null stays.
  return {
    ...record,
    ...(perCasSetting((p) => (record[p.property] === undefined ? effective[p.property].value : record[p.property])) as CasSettingValues),
  };
}

/**
 * The record of a new mailbox as stored: the settings the row does not give from the plan, and
 * the Administrator mailbox never gets a protocol the rule covers (`refused`: its row asked for
 * one, as the import's warning names it).
 */
export function newMailboxRecord(record: ImportRecord, plans: PlanBook): { record: CompleteRecord; refused: AdministratorRow | null } {
  const planned = plannedSettings(record, plans);
  if (!isAdministratorAccount(record.SamAccountName)) return { record: planned, refused: null };
  const stored = { ...planned, ...asAdministrator(planned) };
  return { record: stored, refused: refusal(true, record, stored) };
}

/** What `import --what-if` lists of a mailbox it creates: its CAS settings as created. */
export function createdItem(record: CompleteRecord): ImportItem {
  return { Action: 'create', PrimarySmtpAddress: record.PrimarySmtpAddress, Name: record.Name, Changes: [], Settings: perCasSetting((p) => record[p.property]) as CasSettingValues };
}

/**
 * An update leaves the Administrator mailbox: it was, or the row renames it to the built-in
 * account (the flag sticks, so renaming it away never lets it use a protocol the rule covers).
 */
export function isAdministratorAfter(stored: Pick<StoredMailbox, 'IsAdministrator'>, merged: Pick<ImportRecord, 'SamAccountName'>): boolean {
  return stored.IsAdministrator || isAdministratorAccount(merged.SamAccountName);
}

/**
 * What an update of `stored` by `record` leads to: the given fields from the record, every other
 * one as stored. Without EmailAddresses, the stored addresses stay and a new primary joins them
 * (Exchange keeps the old primary as a proxy address). The DN is null when the Name or OU changes
 * without one given: the store derives it. Password: null unless given (null keeps the stored one).
 */
export function mergeRecord(stored: StoredMailbox, record: ImportRecord): CompleteRecord {
  const given = givenFields(record);
  const pick = <K extends ImportField & keyof ImportRecord>(field: K, current: ImportRecord[K]): ImportRecord[K] =>
    given.has(field) ? record[field] : current;
  const addresses = given.has('EmailAddresses')
    ? record.EmailAddresses
    : stored.EmailAddresses.some((a) => fold(a) === fold(record.PrimarySmtpAddress))
      ? stored.EmailAddresses
      : [record.PrimarySmtpAddress, ...stored.EmailAddresses];
  const merged: CompleteRecord = {
    Guid: stored.Guid,
    DistinguishedName: stored.DistinguishedName,
    Name: pick('Name', stored.Name),
    DisplayName: pick('DisplayName', stored.DisplayName),
    Alias: pick('Alias', stored.Alias),
    SamAccountName: pick('SamAccountName', stored.SamAccountName),
    UserPrincipalName: pick('UserPrincipalName', stored.UserPrincipalName),
    PrimarySmtpAddress: record.PrimarySmtpAddress,
    EmailAddresses: addresses,
    OrganizationalUnit: pick('OrganizationalUnit', stored.OrganizationalUnit),
    Department: pick('Department', stored.Department),
    Title: pick('Title', stored.Title),
    Company: pick('Company', stored.Company),
    Office: pick('Office', stored.Office),
    City: pick('City', stored.City),
    StateOrProvince: pick('StateOrProvince', stored.StateOrProvince),
    CountryOrRegion: pick('CountryOrRegion', stored.CountryOrRegion),
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map((n, i) =>
      given.has(`CustomAttribute${n}`) ? (record.CustomAttributes[i] ?? null) : (stored.CustomAttributes[i] ?? null),
    ),
    RecipientTypeDetails: pick('RecipientTypeDetails', stored.RecipientTypeDetails),
    ...(perCasSetting((p) => {
      // An empty cell of a given column gives no value: the stored one stays; `$null` gives null.
      const value = given.has(p.property) ? record[p.property] : undefined;
      return value === undefined ? stored[p.property] : value;
    }) as CasSettingValues),
    Password: given.has('Password') ? record.Password : null,
  };
  // Whatever the row says, the Administrator is stored with every protocol the rule covers disabled.
  if (isAdministratorAfter(stored, merged)) Object.assign(merged, asAdministrator(merged));
  if (given.has('DistinguishedName')) merged.DistinguishedName = record.DistinguishedName;
  else if (merged.Name !== stored.Name || fold(merged.OrganizationalUnit) !== fold(stored.OrganizationalUnit)) merged.DistinguishedName = null;
  return merged;
}

type Change = ImportItem['Changes'][number];

const sameValue = (a: ImportValue, b: ImportValue): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => fold(v) === fold(b[i] ?? '')) : a === b;

/**
 * The fields an update changes, before → after, CAS settings last. OUs compare case-insensitively
 * (the store keeps the first spelling); a given password always counts (a new salt every time)
 * and is never shown. The Administrator's settings the rule covers never change here: they are stored disabled.
 */
export function recordChanges(stored: StoredMailbox, merged: CompleteRecord): Change[] {
  const changes: Change[] = [];
  const compare = (property: string, before: ImportValue, after: ImportValue): void => {
    if (!sameValue(before, after)) changes.push({ Property: property, Before: before, After: after });
  };
  if (stored.PrimarySmtpAddress !== merged.PrimarySmtpAddress) compare('PrimarySmtpAddress', stored.PrimarySmtpAddress, merged.PrimarySmtpAddress);
  for (const field of TEXT_FIELDS) {
    if (field === 'OrganizationalUnit' && fold(stored.OrganizationalUnit) === fold(merged.OrganizationalUnit)) continue;
    compare(field, stored[field], merged[field]);
  }
  if (merged.DistinguishedName !== null) compare('DistinguishedName', stored.DistinguishedName, merged.DistinguishedName);
  compare('EmailAddresses', stored.EmailAddresses, merged.EmailAddresses);
  CUSTOM_ATTRIBUTE_NUMBERS.forEach((n, i) => compare(`CustomAttribute${n}`, stored.CustomAttributes[i] ?? null, merged.CustomAttributes[i] ?? null));
  if (merged.Password !== null) changes.push({ Property: 'Password', Before: '(hidden)', After: '(new)' });
  const administrator = isAdministratorAfter(stored, merged);
  for (const protocol of PROTOCOLS) {
    if (!(administrator && refusesAdministrator(protocol))) compare(protocol.property, stored[protocol.property], merged[protocol.property]);
  }
  return changes;
}

/** The row, when an update leaves the Administrator mailbox and the row asks for a protocol it may never use. */
export function administratorRefusal(stored: StoredMailbox, record: ImportRecord, merged: CompleteRecord): AdministratorRow | null {
  return refusal(isAdministratorAfter(stored, merged), record, merged);
}

function refusal(isAdministrator: boolean, record: ImportRecord, stored: ImportRecord): AdministratorRow | null {
  const given = givenFields(record);
  const asks = PROTOCOLS.some((p) => {
    const value = record[p.property];
    return given.has(p.property) && value !== undefined && refusesWrite(p, isAdministrator, value);
  });
  return asks ? { Name: stored.Name, PrimarySmtpAddress: stored.PrimarySmtpAddress, Line: record.Line ?? null } : null;
}

/**
 * Collects the CAS settings an import changes into set-casmailbox's writes (one per setting and
 * value), so they take its path: re-checked in the store, one change record, undoable, pending.
 */
export class CasWrites {
  private readonly byTarget = new Map<string, SettingWrite & { guids: string[] }>();

  add(guid: string, changes: readonly Change[]): void {
    for (const change of changes) {
      if (!isCasSetting(change.Property) || (typeof change.After !== 'boolean' && change.After !== null)) continue;
      const key = `${change.Property} ${change.After}`;
      const write = this.byTarget.get(key) ?? { property: change.Property, to: change.After, guids: [] };
      write.guids.push(guid);
      this.byTarget.set(key, write);
    }
  }

  get writes(): SettingWrite[] {
    return [...this.byTarget.values()];
  }
}

/** Changes other than CAS settings: what the store writes to the mailbox itself. */
export const fieldChanges = (changes: readonly Change[]): Change[] => changes.filter((c) => !isCasSetting(c.Property));
