/**
 * Who a change cuts off, shown before it is made: set-casmailbox, undo and audit --fix against a
 * SQLite store whose recorded logins (`<store>.last-logons.db`, as Dovecot writes them) say who
 * used POP3 and IMAP4 lately.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { NOT_RECORDED } from '../../src/cli/last-logons.js';
import { casctl, json, sampleStore, STORE_KINDS, tempDir, type CliResult } from '../helpers/cli.js';
import { recordLogons } from '../helpers/last-logons.js';
import { atTerminal } from '../helpers/terminal-answer.js';

interface ImpactJson {
  ActiveDays: number;
  Since: string;
  Recorded: boolean;
  RetentionDays: number | null;
  LosingAccess: number;
  ActiveMailboxes: number | null;
  Protocols: { Protocol: string; Property: string; LastLogonProperty: string; LosingAccess: number; Active: number | null; MostRecent: { PrimarySmtpAddress: string; LastLogonTime: string; ClientAddress: string | null }[] }[];
}
interface ChangeJson {
  WhatIf: boolean;
  ChangeId: number | null;
  Summary: { Changed: number };
  Impact: ImpactJson | null;
}

const FINANCE = ['--organizational-unit', 'North America/Finance'];
const POP_OFF = ['set-casmailbox', ...FINANCE, '--pop-enabled', 'false'];
const minutesAgo = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);
const daysAgo = (days: number): Date => minutesAgo(days * 1440);

/** Two of Finance used POP3 this month, one 40 days ago, one IMAP4 minutes ago. */
function recordFinanceLogons(path: string): void {
  recordLogons(path, [
    { user: 'john.smith.jr@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.7', time: minutesAgo(5) },
    { user: 'kate.oneil@tailspintoys.com', service: 'pop3', time: daysAgo(3) },
    { user: 'grace.achterberg@tailspintoys.com', service: 'pop3', clientAddress: '198.51.100.1', time: daysAgo(40) },
    { user: 'grace.achterberg@tailspintoys.com', service: 'imap', clientAddress: '198.51.100.1', time: minutesAgo(10) },
    // Dmitri's POP3 is off now; he used it two days ago, before it was turned off.
    { user: 'dmitri.volkov@tailspintoys.com', service: 'pop3', clientAddress: '203.0.113.9', time: daysAgo(2) },
  ]);
}

/** The sample directory, and its logins where Dovecot records them beside a SQLite store. */
async function storeWithLogons(): Promise<string> {
  const store = await sampleStore();
  recordFinanceLogons(join(dirname(store), 'casctl.last-logons.db'));
  return store;
}

/** Everything a change could touch: the mailboxes' settings and the history. */
async function snapshot(store: string): Promise<string> {
  const mailboxes = await casctl(['get-casmailbox', '-o', 'json'], { store });
  const history = await casctl(['get-changelog', '-o', 'json'], { store });
  return mailboxes.stdout + history.stdout;
}

const AT = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';
const POP_LINE = new RegExp(
  `POP3: 2 of 13 mailboxes losing access logged in over POP3 in the last 30 days; most recent: john\\.smith\\.jr@tailspintoys\\.com ${AT} from 192\\.0\\.2\\.7, kate\\.oneil@tailspintoys\\.com ${AT}\\.`,
);

const impactOf = (result: CliResult): ImpactJson | null => json<ChangeJson>(result).Impact;

test('--what-if names who used the protocol lately on stderr, the table on stdout as before', async () => {
  const store = await storeWithLogons();
  const result = await casctl([...POP_OFF, '--what-if'], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`^WARNING: ${POP_LINE.source}$`, 'm'));
  assert.match(result.stdout, /john\.smith\.jr@tailspintoys\.com +change PopEnabled True → False/);
  assert.doesNotMatch(result.stdout, /losing access/);
});

test('--what-if -o json carries the impact; --active-days widens the window', async () => {
  const store = await storeWithLogons();
  const thirty = impactOf(await casctl([...POP_OFF, '--what-if', '-o', 'json'], { store }));
  assert.ok(thirty !== null);
  assert.deepEqual([thirty.ActiveDays, thirty.Recorded, thirty.RetentionDays, thirty.LosingAccess, thirty.ActiveMailboxes], [30, true, 365, 13, 2]);
  assert.ok(Math.abs(Date.parse(thirty.Since) - daysAgo(30).getTime()) < 60_000);
  const [pop] = thirty.Protocols;
  assert.deepEqual([pop?.Protocol, pop?.Property, pop?.LastLogonProperty, pop?.LosingAccess, pop?.Active], ['POP3', 'PopEnabled', 'LastPopLogonTime', 13, 2]);
  assert.deepEqual(pop?.MostRecent.map((r) => [r.PrimarySmtpAddress, r.ClientAddress]), [['john.smith.jr@tailspintoys.com', '192.0.2.7'], ['kate.oneil@tailspintoys.com', null]]);
  assert.match(pop?.MostRecent[0]?.LastLogonTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

  const sixty = await casctl([...POP_OFF, '--what-if', '-o', 'json', '--active-days', '60'], { store });
  assert.deepEqual(impactOf(sixty)?.Protocols[0]?.MostRecent.map((r) => r.PrimarySmtpAddress), ['john.smith.jr@tailspintoys.com', 'kate.oneil@tailspintoys.com', 'grace.achterberg@tailspintoys.com']);
  assert.match(sixty.stderr, /POP3: 3 of 13 mailboxes losing access logged in over POP3 in the last 60 days;/);
  assert.equal((await casctl([...POP_OFF, '--what-if', '--active-days', 'soon'], { store })).code, 2);
});

test('the prompt names them before asking; turning POP3 and IMAP4 off counts each', async () => {
  const store = await storeWithLogons();
  const before = await snapshot(store);
  const run = await atTerminal(store, `$CASCTL ${POP_OFF.map((a) => `'${a}'`).join(' ')} --imap-enabled false -o json`, 'Change these 14 mailboxes\\?', 'n\\r');
  assert.equal(run.code, 0, run.shown);
  assert.match(run.shown, /About to change 14 mailboxes:/);
  assert.match(run.shown, POP_LINE);
  assert.match(run.shown, new RegExp(`IMAP4: 1 of 13 mailboxes losing access logged in over IMAP4 in the last 30 days; most recent: grace\\.achterberg@tailspintoys\\.com ${AT} from 198\\.51\\.100\\.1\\.\\r?\\n.*Change these 14 mailboxes\\?`));
  assert.equal(run.stdout, '', 'no answer yes, no result');
  assert.equal(await snapshot(store), before);
});

test('--max-active 0 refuses (exit 2) with --yes and with --what-if, naming them; the store and its history unchanged', async () => {
  const store = await storeWithLogons();
  const before = await snapshot(store);
  const refused = await casctl([...POP_OFF, '--yes', '--max-active', '0'], { store });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /casctl: Refused by --max-active 0: 2 of the 13 mailboxes losing access logged in over a protocol they would lose in the last 30 days\. Nothing was changed\.\n {2}POP3: 2 of 13 .*john\.smith\.jr@tailspintoys\.com/);
  assert.doesNotMatch(refused.stderr, /Recorded as change/);
  assert.equal(refused.stdout, '');
  assert.equal(await snapshot(store), before);

  const whatIf = await casctl([...POP_OFF, '--what-if', '--max-active', '1', '-o', 'json'], { store });
  assert.equal(whatIf.code, 2, whatIf.stderr);
  assert.equal(impactOf(whatIf)?.ActiveMailboxes, 2, 'the plan a real run would refuse is still shown');
  assert.match(whatIf.stderr, /Refused by --max-active 1: 2 of the 13/);
  assert.equal(await snapshot(store), before);
});

test('--max-active at or above the count passes; the applied change\'s JSON result carries the impact', async () => {
  const store = await storeWithLogons();
  const applied = await casctl([...POP_OFF, '--yes', '--max-active', '2', '-o', 'json'], { store });
  assert.equal(applied.code, 0, applied.stderr);
  const result = json<ChangeJson>(applied);
  assert.deepEqual([result.WhatIf, result.ChangeId, result.Summary.Changed, result.Impact?.ActiveMailboxes, result.Impact?.Protocols.map((p) => p.Active)], [false, 1, 13, 2, [2]]);
  assert.match(applied.stderr, new RegExp(`^WARNING: ${POP_LINE.source}$`, 'm'), 'a change made without a question still says whom it cut off');
  assert.match(applied.stderr, /Recorded as change 1/);
});

test('an enable cuts nobody off: no impact shown, Impact null, and --max-active 0 passes', async () => {
  const store = await storeWithLogons();
  const enabled = await casctl(['set-casmailbox', 'dmitri.volkov@tailspintoys.com', '--pop-enabled', 'true', '--max-active', '0', '-o', 'json'], { store });
  assert.equal(enabled.code, 0, enabled.stderr);
  assert.equal(impactOf(enabled), null);
  assert.doesNotMatch(enabled.stderr, /losing access|lose access/);
});

test('undo of an enable turns the protocol off again: its impact is shown and --max-active applies', async () => {
  const store = await storeWithLogons();
  assert.equal((await casctl(['set-casmailbox', 'dmitri.volkov@tailspintoys.com', '--pop-enabled', 'true'], { store })).code, 0);
  const before = await snapshot(store);
  const refused = await casctl(['undo', '1', '--yes', '--max-active', '0'], { store });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /POP3: 1 of 1 mailbox losing access logged in over POP3 in the last 30 days; most recent: dmitri\.volkov@tailspintoys\.com .* from 203\.0\.113\.9\./);
  assert.equal(await snapshot(store), before);
  const undone = await casctl(['undo', '1', '--yes', '-o', 'json'], { store });
  assert.equal(undone.code, 0, undone.stderr);
  assert.equal(impactOf(undone)?.ActiveMailboxes, 1);
});

test('audit --fix shows whom the fix cuts off and obeys --max-active; without --fix the options are refused', async () => {
  const store = await storeWithLogons();
  const policy = join(tempDir(), 'policy.yml');
  writeFileSync(policy, "rules:\n  - name: Finance has no POP3\n    organizationalUnit: North America/Finance\n    expect: { PopEnabled: false }\n");
  const before = await snapshot(store);
  const refused = await casctl(['audit', policy, '--fix', '--yes', '--max-active', '1'], { store });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /Refused by --max-active 1: 2 of the 13 mailboxes/);
  assert.equal(await snapshot(store), before);
  const whatIf = await casctl(['audit', policy, '--fix', '--what-if', '-o', 'json'], { store });
  assert.equal(impactOf(whatIf)?.ActiveMailboxes, 2);
  assert.match(whatIf.stderr, POP_LINE);
  const bare = await casctl(['audit', policy, '--max-active', '0'], { store });
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /--max-active weighs who a fix would cut off: it goes with --fix/);
});

test('logins not recorded: one line says the impact is unknown; --max-active cannot pass (exit 3) and changes nothing', async () => {
  const store = await sampleStore();
  const whatIf = await casctl([...POP_OFF, '--what-if', '-o', 'json'], { store });
  assert.equal(whatIf.code, 0, whatIf.stderr);
  const unknown = whatIf.stderr.split('\n').filter((line) => line.includes(NOT_RECORDED));
  assert.deepEqual(unknown, [`WARNING: Who would lose access is unknown (this turns off POP3 for 13 mailboxes): ${NOT_RECORDED}`]);
  assert.deepEqual([impactOf(whatIf)?.Recorded, impactOf(whatIf)?.ActiveMailboxes, impactOf(whatIf)?.Protocols[0]?.Active], [false, null, null]);
  const before = await snapshot(store);
  const refused = await casctl([...POP_OFF, '--yes', '--max-active', '100'], { store });
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /--max-active 100 cannot be checked: Logins are not recorded for this store/);
  assert.equal(await snapshot(store), before);
});

for (const kind of STORE_KINDS) {
  test(`on ${kind}: the logins CASCTL_LAST_LOGONS names are what the impact reads, and --max-active decides on them`, async () => {
    const store = await sampleStore(kind);
    const logons = join(tempDir(), 'shared.last-logons.db');
    recordFinanceLogons(logons);
    const env = { CASCTL_LAST_LOGONS: `sqlite:${logons}` };
    const whatIf = await casctl([...POP_OFF, '--what-if', '-o', 'json'], { store, env });
    assert.equal(whatIf.code, 0, whatIf.stderr);
    assert.deepEqual([impactOf(whatIf)?.LosingAccess, impactOf(whatIf)?.ActiveMailboxes], [13, 2]);
    const before = await snapshot(store);
    assert.equal((await casctl([...POP_OFF, '--yes', '--max-active', '0'], { store, env })).code, 2);
    assert.equal(await snapshot(store), before);
  });
}
