import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Mailbox, MailboxField } from '../../src/core/mailbox.js';
import { readMailboxCsv } from '../../src/input/mailbox-csv.js';
import type { ChangeContext, ChangeQuery, ChangeRecord, DirectoryStore, MailboxQuery, ImportRecord } from '../../src/store/directory-store.js';
import { FIXTURES } from '../helpers/cli.js';

export interface OpenedStore {
  store: DirectoryStore;
  /** Closes the store and removes whatever its opening made (a file, a server). */
  dispose(): Promise<void>;
}

export interface StoreDriver {
  name: string;
  /**
   * Every write of one call commits together or not at all (SQLite). Without (LDAP), a call cut
   * short leaves what it wrote before the failure.
   */
  transactional: boolean;
  /** A fresh, empty store of its own. */
  open(): Promise<OpenedStore>;
}

/** A fresh store for the tests of the enclosing describe, seeded before the first of them. */
export function useStore(driver: StoreDriver, seed: (store: DirectoryStore) => Promise<void> = seedSample): () => DirectoryStore {
  let opened: OpenedStore | undefined;
  before(async () => {
    opened = await driver.open();
    await seed(opened.store);
  });
  after(async () => {
    await opened?.dispose();
  });
  return () => {
    assert.ok(opened, 'the store is opened before the tests run');
    return opened.store;
  };
}

let sample: Promise<ImportRecord[]> | undefined;

/** fixtures/sample-directory.csv: 232 mailboxes in 13 OUs, the Administrator among them. */
export function sampleRecords(): Promise<ImportRecord[]> {
  sample ??= readMailboxCsv(join(FIXTURES, 'sample-directory.csv'), (plain) => `{PLAIN}${plain}`);
  return sample;
}

export const SAMPLE_SIZE = 232;
export const SAMPLE_CREATED = new Date('2026-01-01T00:00:00Z');

export async function seedSample(store: DirectoryStore): Promise<void> {
  await store.importMailboxes([await sampleRecords()], SAMPLE_CREATED);
}

export function context(extra: Partial<ChangeContext> = {}): ChangeContext {
  return { when: new Date(), osUser: 'tester', sudoUser: null, host: 'admin-host-1', commandLine: 'casctl set-casmailbox ...', ...extra };
}

/** Every mailbox a query selects, checking that no page is empty. */
export async function all<F extends MailboxField = MailboxField>(store: DirectoryStore, query: MailboxQuery = {}, fields?: readonly F[]): Promise<Pick<Mailbox, F>[]> {
  const found: Pick<Mailbox, F>[] = [];
  for await (const page of store.findMailboxes(query, fields)) {
    assert.ok(page.length > 0, 'pages are never empty');
    found.push(...page);
  }
  return found;
}

/** The one mailbox an identity names. */
export async function one(store: DirectoryStore, identity: string): Promise<Mailbox> {
  const [mailbox, ...more] = (await store.resolveIdentities([identity], { wildcards: false })).get(identity) ?? [];
  assert.ok(mailbox !== undefined && more.length === 0, `exactly one mailbox for ${identity}`);
  return mailbox;
}

export const names = (mailboxes: readonly Pick<Mailbox, 'Name'>[]): string[] => mailboxes.map((m) => m.Name).sort();

/** Each page of a history query, checking the CHANGE_PAGE bounds as it goes. */
export async function historyPages(store: DirectoryStore, query: ChangeQuery): Promise<(readonly ChangeRecord[])[]> {
  const pages: (readonly ChangeRecord[])[] = [];
  for await (const page of store.changeRecords(query)) pages.push(page);
  return pages;
}

/** A record's items as [Name, Property, Before, After]. */
export const items = (record: ChangeRecord | undefined): [string | null, string, boolean | null, boolean | null][] =>
  (record?.Changes ?? []).map((c) => [c.Name, c.Property, c.Before, c.After]);

/** Filters come through the public parse API, in this one place. */
export { mailboxFilter as filter } from '../helpers/filter/parse.js';
