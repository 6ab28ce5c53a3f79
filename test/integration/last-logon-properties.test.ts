import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { bigStore } from '../helpers/big-store.js';
import { casctl, json, sampleStore, STORE_KINDS, tempDir } from '../helpers/cli.js';
import { recordLogons, type RecordedLogon } from '../helpers/last-logons.js';

type Row = Record<string, unknown>;

const DAY = 86_400_000;
/** Whole seconds, as Dovecot records them. */
const daysAgo = (days: number): Date => new Date(Math.floor((Date.now() - days * DAY) / 1000) * 1000);
const iso = (date: Date): string => date.toISOString();

const RAND = 'rand.zaher@tailspintoys.com';
const PRIYA = 'priya.raman@tailspintoys.com';
const MARCUS = 'marcus.oyelaran@tailspintoys.com';

const OLD_POP = daysAgo(120);
const RECENT_POP = daysAgo(1);
const RECENT_IMAP = daysAgo(0.01);

/** The sample store with logins recorded beside it, where casctl looks by default (`casctl.last-logons.db`). */
async function storeWithLogons(logons: readonly RecordedLogon[]): Promise<string> {
  const store = await sampleStore();
  recordLogons(join(dirname(store), 'casctl.last-logons.db'), logons);
  return store;
}

const SAMPLE_LOGONS: readonly RecordedLogon[] = [
  { user: RAND, service: 'pop3', clientAddress: '192.0.2.7', time: OLD_POP },
  { user: RAND, service: 'imap', clientAddress: '2001:db8::5', time: RECENT_IMAP },
  { user: PRIYA, service: 'pop3', time: RECENT_POP },
  // Beyond the default retention of 365 days: as if it were never recorded.
  { user: MARCUS, service: 'pop3', time: daysAgo(400) },
];

async function rows(store: string, args: readonly string[]): Promise<Row[]> {
  const result = await casctl([...args, '-o', 'json'], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  return json<Row[]>(result);
}

const byAddress = (list: readonly Row[]): Map<string, Row> => new Map(list.map((row) => [String(row.PrimarySmtpAddress), row]));

describe('LastPopLogonTime and LastImapLogonTime', () => {
  test('get-casmailbox shows them in json, list and csv (ISO UTC, as WhenChanged), not in the table; the addresses when asked for', async () => {
    const store = await storeWithLogons(SAMPLE_LOGONS);
    const all = byAddress(await rows(store, ['get-casmailbox']));
    assert.deepEqual([all.get(RAND)?.LastPopLogonTime, all.get(RAND)?.LastImapLogonTime], [iso(OLD_POP), iso(RECENT_IMAP)]);
    assert.deepEqual([all.get(PRIYA)?.LastPopLogonTime, all.get(PRIYA)?.LastImapLogonTime], [iso(RECENT_POP), null]);
    assert.equal(all.get(MARCUS)?.LastPopLogonTime, null, 'older than the retention');
    assert.equal('LastPopLogonClientAddress' in (all.get(RAND) ?? {}), false, 'addresses are personal data: only when asked for');

    const [rand] = await rows(store, ['get-casmailbox', RAND, '--property', 'Name,LastPopLogonClientAddress,LastImapLogonClientAddress']);
    assert.deepEqual(rand, { Name: 'Rand Zaher', LastPopLogonClientAddress: '192.0.2.7', LastImapLogonClientAddress: '2001:db8::5' });
    const everything = await rows(store, ['get-casmailbox', RAND, '--property', '*']);
    assert.equal(everything[0]?.LastImapLogonClientAddress, '2001:db8::5');

    const list = await casctl(['get-casmailbox', RAND, '-o', 'list'], { store });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^LastPopLogonTime +: ${iso(OLD_POP)}$`, 'm'));
    assert.match(list.stdout, new RegExp(`^LastImapLogonTime +: ${iso(RECENT_IMAP)}$`, 'm'));

    const csv = await casctl(['get-casmailbox', RAND, PRIYA, '-o', 'csv', '--property', 'PrimarySmtpAddress,LastPopLogonTime,LastImapLogonTime'], { store });
    assert.equal(csv.code, 0, csv.stderr);
    assert.deepEqual(csv.stdout.trimEnd().split(/\r?\n/), [
      'PrimarySmtpAddress,LastPopLogonTime,LastImapLogonTime',
      `${RAND},${iso(OLD_POP)},${iso(RECENT_IMAP)}`,
      `${PRIYA},${iso(RECENT_POP)},`,
    ]);

    const table = await casctl(['get-casmailbox', RAND], { store });
    assert.equal(table.code, 0, table.stderr);
    assert.doesNotMatch(table.stdout, /LastPopLogonTime/, "Exchange's table");
    // get-mailbox shows them only when asked for.
    const [mailbox] = await rows(store, ['get-mailbox', RAND]);
    assert.equal('LastPopLogonTime' in (mailbox ?? {}), false);
    assert.equal((await rows(store, ['get-mailbox', RAND, '--property', 'LastPopLogonTime']))[0]?.LastPopLogonTime, iso(OLD_POP));
  });

  test("the issue's filter, each half and both: an old POP3 login, or none within the retention", async () => {
    const store = await storeWithLogons(SAMPLE_LOGONS);
    const everyone = await rows(store, ['get-casmailbox', '--property', 'PrimarySmtpAddress']);
    const cutoff = iso(daysAgo(30));
    const addresses = async (filter: string, command = 'get-casmailbox'): Promise<string[]> =>
      (await rows(store, [command, '--filter', filter, '--property', 'PrimarySmtpAddress'])).map((row) => String(row.PrimarySmtpAddress)).sort();
    assert.deepEqual(await addresses(`LastPopLogonTime -lt '${cutoff}'`), [RAND]);
    const none = await addresses('LastPopLogonTime -eq $null');
    assert.equal(none.length, everyone.length - 2);
    assert.ok(none.includes(MARCUS) && !none.includes(RAND) && !none.includes(PRIYA));
    const both = await addresses(`LastPopLogonTime -lt '${cutoff}' -or LastPopLogonTime -eq $null`);
    assert.deepEqual(both, [...none, RAND].sort());
    // With a store-side conjunct, through get-mailbox too; -ne $null and a client address.
    assert.deepEqual(await addresses(`Department -like '*' -and LastPopLogonTime -ge '${cutoff}'`, 'get-mailbox'), [PRIYA]);
    assert.deepEqual(await addresses('LastImapLogonTime -ne $null'), [RAND]);
    assert.deepEqual(await addresses("LastPopLogonClientAddress -like '192.0.2.*'"), [RAND]);
    assert.deepEqual(await addresses(`-not (LastPopLogonTime -eq $null) -and Name -like 'P*'`), [PRIYA]);
  });

  test('set-casmailbox --filter on LastPopLogonTime changes exactly the mailboxes whose last POP3 login is older', async () => {
    const store = await storeWithLogons(SAMPLE_LOGONS);
    const before = byAddress(await rows(store, ['get-casmailbox']));
    const set = await casctl(['set-casmailbox', '--filter', `LastPopLogonTime -lt '${iso(daysAgo(30))}'`, '--pop-enabled', 'false', '--yes'], { store });
    assert.equal(set.code, 0, set.stderr);
    const after = byAddress(await rows(store, ['get-casmailbox']));
    const changed = [...after].filter(([address, row]) => row.PopEnabled !== before.get(address)?.PopEnabled).map(([address]) => address);
    assert.deepEqual(changed, [RAND]);
    assert.equal(after.get(RAND)?.PopEnabled, false);
  });

  test('an audit rule may filter on them', async () => {
    const store = await storeWithLogons(SAMPLE_LOGONS);
    const policy = join(dirname(store), 'policy.yml');
    writeFileSync(policy, `rules:\n  - name: POP3 only for who used it this month\n    filter: "LastPopLogonTime -lt '${iso(daysAgo(30))}' -and Name -like 'Rand*'"\n    expect: { PopEnabled: false }\n`);
    const audit = await casctl(['audit', policy, '-o', 'json'], { store });
    assert.equal(audit.code, 5, audit.stderr);
    assert.match(audit.stdout, /rand\.zaher@tailspintoys\.com/);
    assert.doesNotMatch(audit.stdout, /priya\.raman/);
  });
});

// Where slapd exists (always in CI): the store part of the filter goes to LDAP, the logins from the database CASCTL_LAST_LOGONS names.
for (const kind of STORE_KINDS.filter((k) => k === 'ldap')) {
  test(`on ${kind}: the store decides its part of the filter, the joined logins the rest`, async () => {
    const store = await sampleStore(kind);
    const logons = join(tempDir(), 'logons.db');
    recordLogons(logons, SAMPLE_LOGONS);
    const env = { CASCTL_LAST_LOGONS: `sqlite:${logons}` };
    const result = await casctl(['get-casmailbox', '--filter', `Department -like '*' -and (LastPopLogonTime -ge '${iso(daysAgo(30))}' -or LastImapLogonTime -ne $null)`, '-o', 'json'], { store, env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json<Row[]>(result).map((row) => [row.PrimarySmtpAddress, row.LastPopLogonTime]).sort(), [[PRIYA, iso(RECENT_POP)], [RAND, iso(OLD_POP)]]);
  });
}

describe('when logins are not recorded', () => {
  test('the defaults leave them out without a word; asked for, they are empty after one warning', async () => {
    const store = await sampleStore();
    const [row] = await rows(store, ['get-casmailbox', RAND]);
    assert.equal('LastPopLogonTime' in (row ?? {}), false);
    const asked = await casctl(['get-casmailbox', RAND, PRIYA, '--property', 'Name,LastPopLogonTime,LastImapLogonTime', '-o', 'json'], { store });
    assert.equal(asked.code, 0, asked.stderr);
    assert.deepEqual(json<Row[]>(asked).map((r) => [r.LastPopLogonTime, r.LastImapLogonTime]), [[null, null], [null, null]]);
    const lines = asked.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, asked.stderr);
    assert.match(lines[0] ?? '', /^WARNING: Logins are not recorded for this store/);
  });

  test('a filter naming them is refused (exit 3) and nothing is listed or changed', async () => {
    const store = await sampleStore();
    const before = await rows(store, ['get-casmailbox']);
    const get = await casctl(['get-casmailbox', '--filter', 'LastPopLogonTime -eq $null', '-o', 'json'], { store });
    assert.equal(get.code, 3, get.stderr);
    assert.equal(get.stdout, '');
    assert.match(get.stderr, /The filter names a last logon time or address\. Logins are not recorded for this store/);
    const set = await casctl(['set-casmailbox', '--filter', "LastPopLogonTime -lt '2026-09-01' -or LastPopLogonTime -eq $null", '--pop-enabled', 'false', '--yes'], { store });
    assert.equal(set.code, 3, set.stderr);
    assert.match(set.stderr, /Logins are not recorded/);
    assert.deepEqual(await rows(store, ['get-casmailbox']), before);
    const history = await casctl(['get-changelog', '-o', 'json'], { store });
    assert.deepEqual(json(history), [], 'no change recorded');
  });
});

test('a logins database that cannot be read: the default columns are left out with a warning; asked for, or filtered on, it is an error (exit 3)', async () => {
  const store = await sampleStore();
  writeFileSync(join(dirname(store), 'casctl.last-logons.db'), 'not a database');
  const listed = await casctl(['get-casmailbox', RAND, '-o', 'json'], { store });
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal('LastPopLogonTime' in (json<Row[]>(listed)[0] ?? {}), false);
  assert.match(listed.stderr, /^WARNING: Cannot read the recorded logins in .*The last logon times are left out\.$/m);
  for (const args of [['--property', 'Name,LastPopLogonTime'], ['--filter', 'LastPopLogonTime -eq $null']]) {
    const failed = await casctl(['get-casmailbox', RAND, ...args, '-o', 'json'], { store });
    assert.equal(failed.code, 3, failed.stderr);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /Cannot read the recorded logins/);
  }
});

describe('at a realistic size', () => {
  test('5,000 mailboxes with logins: listed with their times and filtered, streaming', async () => {
    const COUNT = 5000;
    const store = await bigStore(COUNT);
    const logons: RecordedLogon[] = [];
    for (let i = 0; i < COUNT; i++) {
      // Every other mailbox used POP3, 0 to 99 days ago (so half of them in the last 50 days); every third IMAP.
      if (i % 2 === 0) logons.push({ user: `user${i}@big.example`, service: 'pop3', clientAddress: `10.0.${i % 250}.1`, time: daysAgo((i / 2) % 100) });
      if (i % 3 === 0) logons.push({ user: `user${i}@big.example`, service: 'imap', time: daysAgo(i % 30) });
    }
    recordLogons(join(dirname(store), 'big.last-logons.db'), logons);

    let started = performance.now();
    const listed = await casctl(['get-casmailbox', '-o', 'json'], { store });
    const listMs = performance.now() - started;
    assert.equal(listed.code, 0, listed.stderr);
    const all = json<Row[]>(listed);
    assert.equal(all.length, COUNT);
    assert.equal(all.filter((row) => row.LastPopLogonTime !== null).length, COUNT / 2);
    assert.equal(all.filter((row) => row.LastImapLogonTime !== null).length, Math.ceil(COUNT / 3));

    const cutoff = iso(daysAgo(49.5));
    started = performance.now();
    const filtered = await casctl(['get-casmailbox', '--filter', `LastPopLogonTime -lt '${cutoff}' -or LastPopLogonTime -eq $null`, '-o', 'id'], { store });
    const filterMs = performance.now() - started;
    assert.equal(filtered.code, 0, filtered.stderr);
    const expected = all.filter((row) => row.LastPopLogonTime === null || String(row.LastPopLogonTime) < cutoff).length;
    assert.equal(filtered.stdout.trim().split('\n').length, expected);
    assert.equal(expected, COUNT / 2 + COUNT / 4, 'the half without POP3, and the half of the POP3 users older than 50 days');

    started = performance.now();
    const set = await casctl(['set-casmailbox', '--filter', `LastPopLogonTime -lt '${cutoff}'`, '--pop-enabled', 'false', '--yes'], { store });
    const setMs = performance.now() - started;
    assert.equal(set.code, 0, set.stderr);
    const disabled = json<Row[]>(await casctl(['get-casmailbox', '--filter', 'PopEnabled -eq $false', '-o', 'json', '--property', 'Guid'], { store }));
    assert.equal(disabled.length, COUNT / 4);
    process.stderr.write(`# 5,000 mailboxes: list json ${listMs.toFixed(0)} ms, filtered -o id ${filterMs.toFixed(0)} ms, set-casmailbox --filter ${setMs.toFixed(0)} ms\n`);
  });
});
