/**
 * A whole directory store in memory for unit tests: the real SqliteStore on SQLite's `:memory:`
 * database, so core and audit are tested against the rules the drivers keep, not a stand-in.
 *
 *   const store = await memoryStore([{ Name: 'Rand Zaher' }, { Name: 'Administrator', PopEnabled: true }]);
 */
import { join } from 'node:path';
import { after, before } from 'node:test';
import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../src/core/mailbox.js';
import { readMailboxCsv } from '../../src/input/mailbox-csv.js';
import type { DirectoryStore, ImportRecord } from '../../src/store/directory-store.js';
import { IN_MEMORY } from '../../src/store/sqlite/connection.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXTURES } from './cli.js';
import { perCasSetting } from '../../src/core/protocols.js';

/** A mailbox to seed: its Name, and whatever else the test cares about. */
export type MailboxSeed = Partial<ImportRecord> & Pick<ImportRecord, 'Name'>;

export const SEED_DOMAIN = 'example.com';

/** A whole, validated import record from a seed: the alias, addresses and logins follow from the Name unless given. */
export function mailboxRecord(seed: MailboxSeed): ImportRecord {
  const alias = seed.Alias ?? seed.Name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
  // Addresses as a validated record holds them: lower case.
  const address = (seed.PrimarySmtpAddress ?? `${alias}@${SEED_DOMAIN}`).toLowerCase();
  return {
    Guid: null,
    DistinguishedName: null,
    DisplayName: seed.Name,
    Alias: alias,
    SamAccountName: alias,
    UserPrincipalName: address,
    PrimarySmtpAddress: address,
    EmailAddresses: [address],
    OrganizationalUnit: `${SEED_DOMAIN}/Users`,
    Department: null, Title: null, Company: null, Office: null, City: null, StateOrProvince: null, CountryOrRegion: null,
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map(() => null),
    RecipientTypeDetails: 'UserMailbox',
    ...perCasSetting(() => true),
    SmtpClientAuthenticationDisabled: null,
    Password: null,
    ...seed,
  };
}

/** An empty store in memory, schema and all. */
export function emptyMemoryStore(): DirectoryStore {
  return SqliteStore.open(`sqlite:${IN_MEMORY}`, IN_MEMORY, { create: true });
}

/** A store in memory holding these mailboxes (the Administrator rule applied as on import). */
export async function memoryStore(mailboxes: readonly MailboxSeed[], when = new Date('2026-01-01T00:00:00Z')): Promise<DirectoryStore> {
  const store = emptyMemoryStore();
  await store.importMailboxes([mailboxes.map(mailboxRecord)], when);
  return store;
}

/** A store in memory holding fixtures/sample-directory.csv (232 mailboxes, 13 OUs). */
export async function sampleMemoryStore(): Promise<DirectoryStore> {
  const store = emptyMemoryStore();
  await store.importMailboxes([await readMailboxCsv(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`)], new Date('2026-01-01T00:00:00Z'));
  return store;
}

/** A store in memory holding these mailboxes for the tests of the file (or describe) that calls it. */
export function useMemoryStore(mailboxes: readonly MailboxSeed[]): () => DirectoryStore {
  let store: DirectoryStore | undefined;
  before(async () => {
    store = await memoryStore(mailboxes);
  });
  after(async () => {
    await store?.close();
  });
  return () => {
    if (store === undefined) throw new Error('the memory store is made before the tests run');
    return store;
  };
}
