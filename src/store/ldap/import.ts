import { newGuid } from '../../core/guid.js';
import { splitCanonical } from '../../core/distinguished-name.js';
import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import type { Mailbox } from '../../core/mailbox.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { AppliedChange, ChangeContext, CompleteRecord, ImportItem, ImportSummary, ImportRecord, SettingWrite, TransportConfig } from '../directory-store.js';
import type { PlanBook } from '../../core/mailbox-plans.js';
import { CasWrites, administratorRefusal, createdItem, isAdministratorAfter, mergeRecord, newMailboxRecord, recordChanges } from '../import-merge.js';
import { chunks, forEachConcurrently } from '../../core/concurrency.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { LdapConnection, LdapEntry, Modification } from './connection.js';
import { formatRdn, keyOfDn } from '../../core/dn-syntax.js';
import { MAILBOX_CLASS_FILTER, recordAttributes } from './entries.js';
import { MAILBOX_ATTRIBUTES, entryToMailbox } from './mailbox-projection.js';
import { ResultCode, diagnostic, isFatal, resultCode } from './errors.js';
import { looseTest } from './identities.js';
import { alreadyTaken, cannotImport, type UniqueKey } from '../import-conflicts.js';
import type { DirectoryLayout } from './layout.js';
import { and } from './mailbox-search.js';
import { ENABLED_SERVICE_VALUES, protocolValuesHeld } from './protocol-values.js';
import { ADMINISTRATOR_REFUSED } from '../../core/administrator.js';
import type { OrganizationalUnits } from './organizational-units.js';

/** Records per lookup of existing mailboxes and conflicting keys. */
const RECORDS_PER_LOOKUP = 40;
/** Lookups in flight (each paged search has a connection of its own, connection.ts). */
const LOOKUPS_IN_FLIGHT = 4;

/** The casEnabledService values of the protocols the Administrator rule covers: what its entry never holds. */
const REFUSED_VALUES = Object.fromEntries(ADMINISTRATOR_REFUSED.map((p) => [p.name, ENABLED_SERVICE_VALUES[p.name]]));

export interface ImportContext {
  connection: LdapConnection;
  layout: DirectoryLayout;
  units: OrganizationalUnits;
  concurrency: number;
  /** The CAS mailbox plans, read before the import: what a new mailbox takes for a setting its row does not give. */
  plans: PlanBook;
  /** The organisation defaults: what a created mailbox whose nullable setting is $null is enabled by. */
  defaults: TransportConfig;
  /** set-casmailbox's apply: the CAS settings an import changes on existing mailboxes take its path. */
  applyCasChanges: (writes: readonly SettingWrite[], change: ChangeContext) => Promise<AppliedChange>;
  /** Hears "Reading directory" (the entries the records update) and "Writing entries". */
  progress?: ProgressSink;
}

interface PlannedImport {
  /** A new mailbox as created, or an existing one as the update leaves it. */
  record: CompleteRecord;
  /**
   * The entry this record updates (matched by Guid, else by primary address), if any; for the
   * Administrator, the protocols its entry still holds enabled (it reads disabled).
   */
  existing: { dn: string; guid: string; mailbox: Mailbox; enabledServices: string[] } | null;
  /** An update's changes (CAS settings included). */
  changes: ImportItem['Changes'];
}

/**
 * `casctl import` on LDAP: creates an entry per new mailbox (below OUs created as needed) and
 * updates existing ones, replacing only the attributes whose given values differ (renaming or
 * moving an entry whose Name or OU changed); their CAS settings go last, through applyCasChanges.
 * There is no transaction across entries, so everything is checked before anything is written:
 * OUs below the base, values LDAP's syntaxes accept, and no Guid, address, SamAccountName, UPN
 * or DN belonging to another mailbox or to two rows (LDAP has no unique constraints unless the
 * unique overlay is configured). A failure the checks could not foresee stops the import and
 * says how far it got. WhenCreated/WhenChanged are the server's own timestamps.
 */
export async function importMailboxes(
  context: ImportContext,
  records: readonly ImportRecord[],
  change: ChangeContext,
  whatIf: boolean,
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, organizationalUnitsCreated: 0, changeId: null, casChanges: 0, administratorRefused: [] };
  const planned: PlannedImport[] = [];
  const { progress } = context;
  progress?.phase('Reading directory', 'mailboxes', records.length);
  // The searches run a few ahead of the checks, which take their results in file order (the first
  // row the directory would refuse is the one reported): 100,000 rows are 2,500 searches.
  const batches = chunks(records, RECORDS_PER_LOOKUP);
  const searches = new Map<number, Promise<LdapEntry[]>>();
  for (const [index, batch] of batches.entries()) {
    for (let ahead = index; ahead < Math.min(batches.length, index + LOOKUPS_IN_FLIGHT); ahead++) {
      if (searches.has(ahead)) continue;
      const search = candidates(context, batches[ahead] as ImportRecord[]);
      // Awaited in turn below; a search still running when an earlier row stops the import is dropped.
      search.catch(() => undefined);
      searches.set(ahead, search);
    }
    const entries = await (searches.get(index) as Promise<LdapEntry[]>);
    searches.delete(index);
    planned.push(...lookUp(context, batch, entries, summary));
    progress?.tick(batch.length);
  }
  checkDistinct(context.layout, planned);
  const cas = new CasWrites();
  const items: ImportItem[] = [];
  const toWrite = planned.filter((p) => {
    if (p.existing === null) {
      items.push(createdItem(p.record));
      return true;
    }
    if (p.changes.length === 0) {
      summary.unchanged++;
      return false;
    }
    items.push({ Action: 'update', PrimarySmtpAddress: p.record.PrimarySmtpAddress, Name: p.record.Name, Changes: p.changes });
    cas.add(p.existing.guid, p.changes);
    return true;
  });
  const ousToEnsure = toWrite.filter((p) => p.existing === null || fold(p.existing.mailbox.OrganizationalUnit) !== fold(p.record.OrganizationalUnit));
  const canonicalOus = [...new Map(ousToEnsure.map((p) => [fold(p.record.OrganizationalUnit), p.record.OrganizationalUnit])).values()].sort(
    (a, b) => splitCanonical(a).length - splitCanonical(b).length,
  );
  if (whatIf) {
    summary.created = items.filter((i) => i.Action === 'create').length;
    summary.updated = items.length - summary.created;
    summary.organizationalUnitsCreated = await missingOus(context, canonicalOus);
    summary.casChanges = cas.writes.reduce((n, w) => n + w.guids.length, 0);
    return { ...summary, items };
  }

  const ouDns = new Map<string, string>();
  for (const canonical of canonicalOus) {
    const ou = await context.units.ensure(canonical);
    summary.organizationalUnitsCreated += ou.created;
    ouDns.set(fold(canonical), ou.dn);
  }
  let failure: { record: ImportRecord; error: unknown } | undefined;
  progress?.phase('Writing entries', 'mailboxes', toWrite.length);
  await forEachConcurrently(
    toWrite,
    context.concurrency,
    async ({ record, existing }) => {
      try {
        if (existing === null) {
          const parent = ouDns.get(fold(record.OrganizationalUnit)) as string;
          await context.connection.add(`${formatRdn({ type: 'cn', value: record.Name })},${parent}`, recordAttributes(record, record.Guid ?? newGuid(), true, context.defaults));
          summary.created++;
          return;
        }
        let dn = existing.dn;
        const parent = ouDns.get(fold(record.OrganizationalUnit)) ?? (context.layout.ouDn(existing.mailbox.OrganizationalUnit) as string);
        const rdn = formatRdn({ type: 'cn', value: record.Name });
        if (keyOfDn(existing.dn) !== keyOfDn(`${rdn},${parent}`)) {
          await context.connection.move(existing.dn, rdn, parent);
          dn = `${rdn},${parent}`;
        }
        const modifications = attributeChanges(existing.mailbox, record);
        // The Administrator's entry holds no protocol, whatever an older casctl or a hand edit left in it.
        if (existing.enabledServices.length > 0) modifications.push({ operation: 'delete', attribute: ENABLED_SERVICE_ATTRIBUTE, values: existing.enabledServices });
        if (modifications.length > 0) await context.connection.modify(dn, modifications);
        summary.updated++;
      } catch (error) {
        failure ??= { record, error };
      } finally {
        progress?.tick(1);
      }
    },
    () => failure !== undefined,
  );
  if (failure !== undefined) {
    const done = `${summary.created} created and ${summary.updated} updated before it stopped`;
    const { record, error } = failure;
    if (isFatal(error) || resultCode(error) === undefined) {
      throw new StoreError(`${context.connection.fail(error, `import '${record.PrimarySmtpAddress}'`).message} (${done}.)`);
    }
    throw cannotImport(record.PrimarySmtpAddress, `${describeRefusal(error)} (${done}.)`);
  }
  const writes = cas.writes;
  if (writes.length > 0) {
    const applied = await context.applyCasChanges(writes, change);
    summary.changeId = applied.changeId;
    summary.casChanges = applied.settings;
    const failed = applied.failures ?? [];
    if (failed.length > 0) {
      throw new StoreError(
        `The mailboxes were imported, but ${failed.length} CAS settings could not be changed (${failed[0]?.message ?? ''}); change ${applied.changeId ?? 'none'} holds the others.`,
      );
    }
  }
  return summary;
}

/**
 * The replace operations that turn the stored entry into the updated record: only attributes
 * whose values differ (a given password always). Not the CAS settings (applyCasChanges) nor cn
 * (the move renames it); the Administrator flag is only ever added.
 */
function attributeChanges(stored: Mailbox, record: CompleteRecord): Modification[] {
  const before = recordAttributes(storedRecord(stored), stored.Guid, false);
  const after = recordAttributes(record, stored.Guid, false);
  const skipped = (attribute: string, values: readonly string[]): boolean =>
    attribute === 'cn' || attribute === ENABLED_SERVICE_ATTRIBUTE || (attribute === ADMINISTRATOR_ATTRIBUTE && values.length === 0);
  return Object.entries(after)
    .filter(([attribute, values]) => !skipped(attribute, values) && (attribute === 'userPassword' || !sameValues(before[attribute] ?? [], values)))
    .map(([attribute, values]) => ({ operation: 'replace' as const, attribute, values }));
}

const sameValues = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function storedRecord(stored: Mailbox): CompleteRecord {
  return { ...stored, Password: null, Given: [] };
}

/** How many of the OUs (and their parents) do not exist yet: what --what-if reports. */
async function missingOus(context: ImportContext, canonicalOus: readonly string[]): Promise<number> {
  const missing = new Set<string>();
  for (const canonical of canonicalOus) {
    const segments = splitCanonical(canonical);
    for (let n = 2; n <= segments.length; n++) {
      const prefix = segments.slice(0, n).join('/');
      if (!missing.has(fold(prefix)) && (await context.units.dnOf(prefix)) === null) missing.add(fold(prefix));
    }
  }
  return missing.size;
}

/** What the directory would refuse, found before anything is written. */
function validate(layout: DirectoryLayout, record: ImportRecord): void {
  const problem =
    layout.ouDn(record.OrganizationalUnit) === null
      ? `its OrganizationalUnit '${record.OrganizationalUnit}' is not below the store's base DN ${layout.baseDn} (${layout.baseCanonical})`
      : !/^[\x21-\x7e]+$/.test(record.PrimarySmtpAddress)
        ? `its PrimarySmtpAddress must be ASCII in an LDAP directory (mail is an IA5 string)`
        : record.CountryOrRegion !== null && record.CountryOrRegion !== '' && !/^[A-Za-z]{2}$/.test(record.CountryOrRegion)
          ? `its CountryOrRegion '${record.CountryOrRegion}' must be an ISO 3166 two-letter code in an LDAP directory (the c attribute accepts nothing else)`
          : null;
  if (problem !== null) throw cannotImport(record.PrimarySmtpAddress, `${problem}; nothing was imported.`);
}

/** The entries any record of the batch could update or collide with: one OR of their keys. */
function candidates(context: ImportContext, batch: readonly ImportRecord[]): Promise<LdapEntry[]> {
  const tests = batch.flatMap((record) => [
    ...(record.Guid === null ? [] : [looseTest('casGuid', record.Guid)]),
    ...[record.PrimarySmtpAddress, ...record.EmailAddresses].flatMap((address) => [looseTest('mail', address), looseTest('casEmailAddress', address)]),
    looseTest('casSamAccountName', record.SamAccountName),
    looseTest('casUserPrincipalName', record.UserPrincipalName),
    looseTest('cn', record.Name),
  ]);
  return context.connection.searchAll({
    base: context.layout.baseDn,
    scope: 'sub',
    filter: and([MAILBOX_CLASS_FILTER, `(|${tests.join('')})`]),
    attributes: MAILBOX_ATTRIBUTES,
  });
}

/**
 * Finds the entry each record updates among `entries` (candidates()), works out what the record
 * leads to (merged with the stored values for an update; the Administrator never enabled) and
 * refuses it when the directory would, or when a key belongs to another mailbox.
 */
function lookUp(context: ImportContext, batch: readonly ImportRecord[], entries: readonly LdapEntry[], summary: ImportSummary): PlannedImport[] {
  return batch.map((given) => {
    const byGuid = given.Guid === null ? undefined : entries.find((e) => fold(e.first('casGuid') ?? '') === fold(given.Guid as string));
    const existing = byGuid ?? entries.find((e) => fold(e.first('mail') ?? '') === fold(given.PrimarySmtpAddress));
    const stored = existing === undefined ? null : entryToMailbox(existing, context.layout);
    let record: CompleteRecord;
    if (stored === null) {
      const created = newMailboxRecord(given, context.plans);
      record = created.record;
      if (created.refused !== null) summary.administratorRefused.push(created.refused);
    } else {
      record = mergeRecord(stored, given);
      const refused = administratorRefusal(stored, given, record);
      if (refused !== null) summary.administratorRefused.push(refused);
    }
    validate(context.layout, record);
    const targetDn = `${formatRdn({ type: 'cn', value: record.Name })},${context.layout.ouDn(record.OrganizationalUnit) ?? ''}`;
    for (const other of entries) {
      if (other === existing) continue;
      const taken = conflict(record, other, targetDn);
      if (taken !== null) throw cannotImport(record.PrimarySmtpAddress, `${alreadyTaken(taken)} (${other.dn}); nothing was imported.`);
    }
    if (existing === undefined || stored === null) return { record, existing: null, changes: [] };
    // LDAP derives the DN from the Name and OU: a DN change is a move, shown as such by those fields.
    const changes = recordChanges(stored, { ...record, DistinguishedName: null });
    const enabledServices = isAdministratorAfter(stored, record) ? protocolValuesHeld(existing, REFUSED_VALUES) : [];
    return { record, existing: { dn: existing.dn, guid: stored.Guid, mailbox: stored, enabledServices }, changes };
  });
}

/** No two rows may end with the same SamAccountName, UPN or DN (defaults included): LDAP would not refuse it. */
function checkDistinct(layout: DirectoryLayout, planned: readonly PlannedImport[]): void {
  const seen = new Map<string, string>();
  for (const { record } of planned) {
    const keys = [
      ['SamAccountName', record.SamAccountName],
      ['UserPrincipalName', record.UserPrincipalName],
      ['DistinguishedName', keyOfDn(`${formatRdn({ type: 'cn', value: record.Name })},${layout.ouDn(record.OrganizationalUnit) ?? ''}`) ?? ''],
    ] as const;
    for (const [what, value] of keys) {
      const other = seen.get(`${what} ${fold(value)}`);
      if (other !== undefined) throw cannotImport(record.PrimarySmtpAddress, `its ${what} is also that of '${other}' in the file; nothing was imported.`);
      seen.set(`${what} ${fold(value)}`, record.PrimarySmtpAddress);
    }
  }
}

/** The key of `record` that `other`, another mailbox, holds already. */
function conflict(record: ImportRecord, other: LdapEntry, targetDn: string): UniqueKey | null {
  const same = (a: string | null, b: string): boolean => a !== null && fold(a) === fold(b);
  if (record.Guid !== null && same(other.first('casGuid'), record.Guid)) return 'Guid';
  if (same(other.first('mail'), record.PrimarySmtpAddress)) return 'PrimarySmtpAddress';
  const theirs = new Set([...other.values('casEmailAddress'), ...other.values('mail')].map(fold));
  if ([record.PrimarySmtpAddress, ...record.EmailAddresses].some((a) => theirs.has(fold(a)))) return 'EmailAddresses';
  if (same(other.first('casSamAccountName'), record.SamAccountName)) return 'SamAccountName';
  if (same(other.first('casUserPrincipalName'), record.UserPrincipalName)) return 'UserPrincipalName';
  if (keyOfDn(other.dn) === keyOfDn(targetDn)) return 'DistinguishedName';
  return null;
}

function describeRefusal(error: unknown): string {
  const code = resultCode(error);
  if (code === ResultCode.EntryAlreadyExists) return 'its DistinguishedName already belongs to another entry';
  return `the directory refused it (result ${code ?? '?'}: ${diagnostic(error)})`;
}
