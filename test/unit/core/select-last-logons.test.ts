import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lastLogonsOf } from '../../../src/core/join-last-logons.js';
import { mailboxMatches } from '../../../src/core/properties.js';
import { selectMailboxBatches, selectMailboxes, type Selection } from '../../../src/core/select.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import type { RecordedLogon } from '../../helpers/last-logons.js';
import { recordedLogonSource, type CountingLogonSource } from '../../helpers/logon-source.js';
import { memoryStore, useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY, argumentIdentities } from '../../helpers/small-directory.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 86_400_000);

const logonSource = (logons: readonly RecordedLogon[]): Promise<CountingLogonSource> => recordedLogonSource(logons, NOW);

describe('selecting with the recorded logins joined', () => {
  const store = useMemoryStore(SMALL_DIRECTORY);
  let source: CountingLogonSource;
  before(async () => {
    source = await logonSource([
      { user: 'ann.lee@example.com', service: 'pop3', clientAddress: '192.0.2.1', time: daysAgo(200) },
      { user: 'ann.lee@example.com', service: 'imap', time: daysAgo(1) },
      { user: 'bob.stone@example.com', service: 'pop3', time: daysAgo(2) },
      { user: 'dana.fox@example.com', service: 'pop3', time: daysAgo(400) },
      { user: 'eve.moss@example.com', service: 'imap', time: daysAgo(10) },
    ]);
  });
  after(() => source.close());

  async function names(selection: Partial<Selection>): Promise<string[]> {
    const found: string[] = [];
    for await (const { mailbox } of selectMailboxes(store(), { wildcards: true, lastLogons: source, ...selection }, () => undefined)) found.push(mailbox.Alias);
    return found.sort();
  }

  test("the issue's filter: an old POP3 login or none (Dana's is beyond the retention: none)", async () => {
    const filter = parseFilter(`LastPopLogonTime -lt '${daysAgo(30).toISOString()}' -or LastPopLogonTime -eq $null`);
    assert.deepEqual(await names({ filter }), ['Administrator', 'ann.lee', 'chris.green1', 'chris.green2', 'dana.fox', 'eve.moss']);
    assert.deepEqual(await names({ filter: parseFilter(`LastPopLogonTime -ne $null`) }), ['ann.lee', 'bob.stone']);
  });

  test('the store part and the joined part together: the OU, a pushed-down conjunct, and the logins', async () => {
    const filter = parseFilter(`Department -eq 'Sales' -and LastPopLogonTime -ge '${daysAgo(30).toISOString()}'`);
    assert.deepEqual(await names({ filter }), ['bob.stone']);
    assert.deepEqual(await names({ organizationalUnit: 'Sales', filter: parseFilter('LastImapLogonTime -eq $null') }), ['bob.stone', 'chris.green1']);
    assert.deepEqual(await names({ filter: parseFilter("LastPopLogonClientAddress -eq '192.0.2.1'") }), ['ann.lee']);
  });

  test('identities are decided with their logins too', async () => {
    const identities = argumentIdentities('ann.lee', 'bob.stone', 'eve.moss', 'Chris*');
    assert.deepEqual(await names({ identities, filter: parseFilter('LastImapLogonTime -ne $null') }), ['ann.lee', 'eve.moss']);
  });

  test('--result-size counts what matches in memory, not what the store returned', async () => {
    const filter = parseFilter('LastPopLogonTime -eq $null');
    const all = await names({ filter });
    assert.equal(all.length, 5);
    assert.equal((await names({ filter, resultSize: 2 })).length, 2);
  });

  test('each selected mailbox carries its logins; one query per batch', async () => {
    source.calls = 0;
    const selected = [];
    for await (const batch of selectMailboxBatches(store(), { wildcards: true, lastLogons: source }, () => undefined, ['Alias'])) selected.push(...batch);
    assert.equal(source.calls, 1);
    const ann = selected.find((s) => s.mailbox.Alias === 'ann.lee');
    assert.equal(ann?.logons?.pop3?.clientAddress, '192.0.2.1');
    assert.deepEqual(selected.find((s) => s.mailbox.Alias === 'chris.green1')?.logons, {});
  });

  test('a filter on logins without a source to read them is a bug, never "nobody logged in"', async () => {
    const run = async (): Promise<void> => {
      for await (const batch of selectMailboxBatches(store(), { wildcards: true, filter: parseFilter('LastPopLogonTime -eq $null') }, () => undefined)) void batch;
    };
    await assert.rejects(run, /names recorded logins, but the selection was given none/);
    const mailbox = (await store().resolveIdentities(['ann.lee'], { wildcards: false })).get('ann.lee')?.[0];
    assert.ok(mailbox !== undefined);
    assert.throws(() => mailboxMatches(parseFilter('LastPopLogonTime -eq $null'), mailbox), /no recorded logins were joined/);
  });
});

describe('joining logins to many mailboxes', () => {
  let store: DirectoryStore;
  let source: CountingLogonSource;
  const COUNT = 2500;
  before(async () => {
    store = await memoryStore(Array.from({ length: COUNT }, (_, i) => ({ Name: `User ${i}` })));
    source = await logonSource(Array.from({ length: COUNT / 5 }, (_, i) => ({ user: `user.${i * 5}@example.com`, service: 'pop3', time: daysAgo(i % 100) })));
  });
  after(async () => {
    await source.close();
    await store.close();
  });

  test('streams the store\'s pages, one query to the logins each, and selects exactly the mailboxes with a recent POP3 login', async () => {
    source.calls = 0;
    let batches = 0;
    const aliases: string[] = [];
    const filter = parseFilter(`LastPopLogonTime -ge '${daysAgo(49.5).toISOString()}' -and PopEnabled -eq $true`);
    for await (const batch of selectMailboxBatches(store, { wildcards: true, lastLogons: source, filter }, () => undefined, ['Alias'])) {
      batches++;
      aliases.push(...batch.map((s) => s.mailbox.Alias));
    }
    assert.equal(source.calls, 3, 'a page of 1,000 per query');
    assert.ok(batches <= 3);
    const expected = Array.from({ length: COUNT / 5 }, (_, i) => i).filter((i) => i % 100 < 50).map((i) => `user.${i * 5}`);
    assert.deepEqual(aliases.sort(), expected.sort());
  });

  test('lastLogonsOf is aligned with the mailboxes it is given, {} where none is recorded', async () => {
    const logons = await lastLogonsOf(source, [{ PrimarySmtpAddress: 'user.1@example.com' }, { PrimarySmtpAddress: 'user.0@example.com' }, { PrimarySmtpAddress: 'user.0@example.com' }]);
    assert.deepEqual(logons[0], {});
    assert.equal(logons[1]?.pop3?.time.toISOString(), daysAgo(0).toISOString().replace(/\.\d+Z$/, '.000Z'));
    assert.equal(logons[2], logons[1]);
    assert.deepEqual(await lastLogonsOf(source, []), []);
  });
});
