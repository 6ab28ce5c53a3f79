import { randomUUID } from 'node:crypto';
import { splitCanonical } from '../../core/distinguished-name.js';
import { StoreError, UsageError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import type { ImportSummary, MailboxRecord } from '../directory-store.js';
import { forEachConcurrently } from './concurrency.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { formatRdn } from './dn.js';
import { MAILBOX_CLASS_FILTER, recordAttributes } from './entries.js';
import { ResultCode, diagnostic, isFatal, resultCode } from './errors.js';
import { looseTest } from './identities.js';
import { keyOfDn, type DirectoryLayout } from './layout.js';
import { and } from './mailbox-search.js';
import type { OrganizationalUnits } from './organizational-units.js';

/** Records per lookup of existing mailboxes and conflicting keys. */
const RECORDS_PER_LOOKUP = 40;
const KEY_ATTRIBUTES = ['casGuid', 'mail', 'casEmailAddress', 'casSamAccountName', 'casUserPrincipalName', 'cn'];

export interface ImportContext {
  connection: LdapConnection;
  layout: DirectoryLayout;
  units: OrganizationalUnits;
  concurrency: number;
}

interface PlannedImport {
  record: MailboxRecord;
  /** The entry this record updates (matched by Guid, else by primary address), if any. */
  existing: { dn: string; guid: string } | null;
}

/**
 * `casctl import` on LDAP: creates an entry per new mailbox (below OUs created as needed) and
 * updates existing ones (renaming or moving an entry whose Name or OU changed). There is no
 * transaction across entries, so everything is checked before anything is written: OUs below the
 * base, values LDAP's syntaxes accept, and no Guid, address, SamAccountName, UPN or DN belonging
 * to another mailbox (LDAP has no unique constraints unless the unique overlay is configured).
 * A failure the checks could not foresee stops the import and says how far it got.
 * WhenCreated/WhenChanged are the server's own timestamps, so `when` is not stored.
 */
export async function importMailboxes(context: ImportContext, records: readonly MailboxRecord[], _when: Date): Promise<ImportSummary> {
  validate(context.layout, records);
  const planned: PlannedImport[] = [];
  for (let i = 0; i < records.length; i += RECORDS_PER_LOOKUP) {
    planned.push(...(await lookUp(context, records.slice(i, i + RECORDS_PER_LOOKUP))));
  }

  const summary: ImportSummary = { created: 0, updated: 0, organizationalUnitsCreated: 0 };
  const ouDns = new Map<string, string>();
  const canonicalOus = [...new Map(records.map((r) => [fold(r.OrganizationalUnit), r.OrganizationalUnit])).values()];
  for (const canonical of canonicalOus.sort((a, b) => splitCanonical(a).length - splitCanonical(b).length)) {
    const ou = await context.units.ensure(canonical);
    summary.organizationalUnitsCreated += ou.created;
    ouDns.set(fold(canonical), ou.dn);
  }

  let failure: { record: MailboxRecord; error: unknown } | undefined;
  await forEachConcurrently(
    planned,
    context.concurrency,
    async ({ record, existing }) => {
      const parent = ouDns.get(fold(record.OrganizationalUnit)) as string;
      const rdn = formatRdn({ type: 'cn', value: record.Name });
      try {
        if (existing === null) {
          await context.connection.add(`${rdn},${parent}`, recordAttributes(record, record.Guid ?? randomUUID(), true));
          summary.created++;
          return;
        }
        if (keyOfDn(existing.dn) !== keyOfDn(`${rdn},${parent}`)) await context.connection.move(existing.dn, rdn, parent);
        const changes = Object.entries(recordAttributes(record, existing.guid, false)).map(([attribute, values]) => ({
          operation: 'replace' as const,
          attribute,
          values,
        }));
        await context.connection.modify(`${rdn},${parent}`, changes);
        summary.updated++;
      } catch (error) {
        failure ??= { record, error };
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
    throw new UsageError(`Cannot import '${record.PrimarySmtpAddress}': ${describeRefusal(error)} (${done}.)`);
  }
  return summary;
}

/** What the directory would refuse, found before anything is written. */
function validate(layout: DirectoryLayout, records: readonly MailboxRecord[]): void {
  for (const record of records) {
    const problem =
      layout.ouDn(record.OrganizationalUnit) === null
        ? `its OrganizationalUnit '${record.OrganizationalUnit}' is not below the store's base DN ${layout.baseDn} (${layout.baseCanonical})`
        : !/^[\x21-\x7e]+$/.test(record.PrimarySmtpAddress)
          ? `its PrimarySmtpAddress must be ASCII in an LDAP directory (mail is an IA5 string)`
          : record.CountryOrRegion !== null && record.CountryOrRegion !== '' && !/^[A-Za-z]{2}$/.test(record.CountryOrRegion)
            ? `its CountryOrRegion '${record.CountryOrRegion}' must be an ISO 3166 two-letter code in an LDAP directory (the c attribute accepts nothing else)`
            : null;
    if (problem !== null) throw new UsageError(`Cannot import '${record.PrimarySmtpAddress}': ${problem}; nothing was imported.`);
  }
}

/** Finds the entry each record updates and refuses keys that belong to another mailbox. */
async function lookUp(context: ImportContext, batch: readonly MailboxRecord[]): Promise<PlannedImport[]> {
  const tests = batch.flatMap((record) => [
    ...(record.Guid === null ? [] : [looseTest('casGuid', record.Guid)]),
    ...[record.PrimarySmtpAddress, ...record.EmailAddresses].flatMap((address) => [looseTest('mail', address), looseTest('casEmailAddress', address)]),
    looseTest('casSamAccountName', record.SamAccountName),
    looseTest('casUserPrincipalName', record.UserPrincipalName),
    looseTest('cn', record.Name),
  ]);
  const entries = await context.connection.searchAll({
    base: context.layout.baseDn,
    scope: 'sub',
    filter: and([MAILBOX_CLASS_FILTER, `(|${tests.join('')})`]),
    attributes: KEY_ATTRIBUTES,
  });
  return batch.map((record) => {
    const byGuid = record.Guid === null ? undefined : entries.find((e) => fold(e.first('casGuid') ?? '') === fold(record.Guid as string));
    const existing = byGuid ?? entries.find((e) => fold(e.first('mail') ?? '') === fold(record.PrimarySmtpAddress));
    const targetDn = `${formatRdn({ type: 'cn', value: record.Name })},${context.layout.ouDn(record.OrganizationalUnit) ?? ''}`;
    for (const other of entries) {
      if (other === existing) continue;
      const reason = conflict(record, other, targetDn);
      if (reason !== null) throw new UsageError(`Cannot import '${record.PrimarySmtpAddress}': ${reason} (${other.dn}); nothing was imported.`);
    }
    return { record, existing: existing === undefined ? null : { dn: existing.dn, guid: existing.first('casGuid') ?? record.Guid ?? randomUUID() } };
  });
}

function conflict(record: MailboxRecord, other: LdapEntry, targetDn: string): string | null {
  const same = (a: string | null, b: string): boolean => a !== null && fold(a) === fold(b);
  if (record.Guid !== null && same(other.first('casGuid'), record.Guid)) return 'its Guid already belongs to another mailbox';
  if (same(other.first('mail'), record.PrimarySmtpAddress)) return 'its PrimarySmtpAddress already belongs to another mailbox';
  const theirs = new Set([...other.values('casEmailAddress'), ...other.values('mail')].map(fold));
  if ([record.PrimarySmtpAddress, ...record.EmailAddresses].some((a) => theirs.has(fold(a)))) return 'an address of it already belongs to another mailbox';
  if (same(other.first('casSamAccountName'), record.SamAccountName)) return 'its SamAccountName already belongs to another mailbox';
  if (same(other.first('casUserPrincipalName'), record.UserPrincipalName)) return 'its UserPrincipalName already belongs to another mailbox';
  if (keyOfDn(other.dn) === keyOfDn(targetDn)) return 'its DistinguishedName already belongs to another mailbox';
  return null;
}

function describeRefusal(error: unknown): string {
  const code = resultCode(error);
  if (code === ResultCode.EntryAlreadyExists) return 'its DistinguishedName already belongs to another entry';
  return `the directory refused it (result ${code ?? '?'}: ${diagnostic(error)})`;
}
