import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { defaultLastLogonsPath } from '../../src/cli/last-logons.js';
import { casctl, json, sampleStore, STORE_KINDS, tempDir, type CliResult } from '../helpers/cli.js';
import { recordLogons, type RecordedLogon } from '../helpers/last-logons.js';
import { setWhenCreated } from '../helpers/mailbox-age.js';

// An unusedFor audit against a SQLite store whose logins Dovecot records beside it
// (<store>.last-logons.db), the way get-dovecotconfig --last-logons sets it up.

const DAY = 86_400_000;
const ago = (days: number): Date => new Date(Date.now() - days * DAY);
const FINANCE = 'North America/Finance';

type Row = Record<string, unknown> & { Guid: string; Name: string; PrimarySmtpAddress: string; PopEnabled: boolean; ImapEnabled: boolean };

interface UnusedJson {
  Setting: string;
  Protocol: string;
  UnusedFor: string;
  LastLogonTime: string | null;
  ClientAddress: string | null;
}
interface AuditJson {
  Summary: { Failed: number; Violations: number };
  Rules: { Name: string; Result: string; Selected: number; UnusedFor: Record<string, string> | null; Violations: (Row & { Reason: string; Unused: UnusedJson[] })[] }[];
}

const POLICY = `rules:\n  - name: Finance leaves nothing idle\n    organizationalUnit: ${FINANCE}\n    unusedFor: { PopEnabled: 90d, ImapEnabled: 26w }\n`;

/** What the logins file holds: Finance mailboxes that used a protocol lately, or long ago. */
const LOGONS: RecordedLogon[] = [
  { user: 'john.smith.jr@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.1', time: ago(2) },
  { user: 'john.smith.jr@tailspintoys.com', service: 'imap', clientAddress: '192.0.2.1', time: ago(10) },
  { user: 'kate.oneil@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.10', time: ago(200) },
  { user: 'kate.oneil@tailspintoys.com', service: 'imap', time: ago(5) },
  { user: 'grace.achterberg@tailspintoys.com', service: 'imap', clientAddress: '192.0.2.20', time: ago(100) },
  { user: 'luis.carvalho@tailspintoys.com', service: 'pop3', time: ago(89) },
  { user: 'luis.carvalho@tailspintoys.com', service: 'imap', clientAddress: '192.0.2.30', time: ago(190) },
  // Outside Finance: no rule of the policy covers it.
  { user: 'rand.zaher@tailspintoys.com', service: 'pop3', time: ago(300) },
];
/** Created ten days ago: not yet unused for 90 days, whatever it did. */
const NEW_STARTER = 'owen.gallagher@tailspintoys.com';
/** The protocols the logins show in use within each period. */
const USED: Readonly<Record<string, readonly string[]>> = {
  'john.smith.jr@tailspintoys.com': ['PopEnabled', 'ImapEnabled'],
  'kate.oneil@tailspintoys.com': ['ImapEnabled'],
  'grace.achterberg@tailspintoys.com': ['ImapEnabled'],
  'luis.carvalho@tailspintoys.com': ['PopEnabled'],
};

function policy(text: string): string {
  const path = join(tempDir(), 'policy.yml');
  writeFileSync(path, text);
  return path;
}

/** A sample store in use for two years, with one new starter, and its logins recorded beside it. */
async function recordedStore(): Promise<string> {
  const store = await sampleStore();
  setWhenCreated(store, ago(730));
  setWhenCreated(store, ago(10), [NEW_STARTER]);
  recordLogons(defaultLastLogonsPath(store), LOGONS);
  return store;
}

async function mailboxes(store: string, ...args: string[]): Promise<Row[]> {
  const result = await casctl(['get-casmailbox', ...args, '-o', 'json'], { store });
  assert.equal(result.code, 0, result.stderr);
  return json<Row[]>(result);
}

/** Every mailbox's settings by Guid, as get-casmailbox shows them (the change time aside). */
async function snapshot(store: string): Promise<Map<string, Row>> {
  return new Map((await mailboxes(store)).map(({ WhenChanged: _changed, ...row }) => [row.Guid, row as Row]));
}

/** By address, the settings of the Finance mailboxes the policy should find unused: enabled (the Administrator is in IT), not used lately, not new. */
async function expectedViolations(store: string): Promise<Map<string, string[]>> {
  const expected = new Map<string, string[]>();
  for (const m of await mailboxes(store, '--organizational-unit', FINANCE)) {
    const address = m.PrimarySmtpAddress.toLowerCase();
    if (address === NEW_STARTER) continue;
    const unused = (['PopEnabled', 'ImapEnabled'] as const).filter((s) => m[s] && !(USED[address] ?? []).includes(s));
    if (unused.length > 0) expected.set(address, unused);
  }
  return expected;
}

function ok(result: CliResult, code: number): CliResult {
  assert.equal(result.code, code, result.stderr);
  return result;
}

describe('unusedFor audits', () => {
  let store = '';
  before(async () => {
    store = await recordedStore();
  });

  test('exactly the protocols left enabled and unused are reported: old logins and none, per protocol, by its own period; new and recent ones spared', async () => {
    const report = json<AuditJson>(ok(await casctl(['audit', policy(POLICY), '-o', 'json'], { store }), 5));
    const [rule] = report.Rules;
    assert.deepEqual(rule?.UnusedFor, { PopEnabled: '90d', ImapEnabled: '26w' });
    assert.equal(rule?.Selected, (await mailboxes(store, '--organizational-unit', FINANCE)).length);
    const found = new Map(rule?.Violations.map((v) => [v.PrimarySmtpAddress.toLowerCase(), v.Unused.map((u) => u.Setting)]));
    const expected = await expectedViolations(store);
    assert.deepEqual([...found].sort(), [...expected].sort());
    // The sample has mailboxes with one protocol off: those are reported for the other only.
    assert.ok([...expected.values()].some((s) => s.length === 1 && s[0] === 'PopEnabled') && [...expected.values()].some((s) => s.length === 1 && s[0] === 'ImapEnabled'));

    const kate = rule?.Violations.find((v) => v.PrimarySmtpAddress === 'kate.oneil@tailspintoys.com');
    assert.match(kate?.Reason ?? '', /^POP3 enabled and unused for 90 days: last login \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ from 192\.0\.2\.10 \(200 days ago\)$/);
    assert.deepEqual(kate?.Unused.map((u) => [u.Protocol, u.UnusedFor, u.ClientAddress, Math.round((Date.now() - Date.parse(u.LastLogonTime ?? '')) / DAY)]), [['POP3', '90d', '192.0.2.10', 200]]);
    const luis = rule?.Violations.find((v) => v.PrimarySmtpAddress === 'luis.carvalho@tailspintoys.com');
    assert.match(luis?.Reason ?? '', /^IMAP4 enabled and unused for 182 days: last login \S+ from 192\.0\.2\.30 \(190 days ago\)$/);
    const grace = rule?.Violations.find((v) => v.PrimarySmtpAddress === 'grace.achterberg@tailspintoys.com');
    assert.equal(grace?.Reason, 'POP3 enabled and unused for 90 days: no login recorded in 365 days');
    assert.deepEqual(grace?.Unused, [{ Setting: 'PopEnabled', Protocol: 'POP3', UnusedFor: '90d', LastLogonTime: null, ClientAddress: null }]);
  });

  test('table, csv and junit carry the protocol and the last login too; exit 5', async () => {
    const path = policy(POLICY);
    const violations = (await expectedViolations(store)).size;
    const table = ok(await casctl(['audit', path], { store }), 5).stdout;
    assert.match(table, /Fail\s+Finance leaves nothing idle\s+\d+\s+(\d+)\s+0/);
    assert.match(table, /kate\.oneil@tailspintoys\.com\s+POP3 enabled and unused for 90 days: last login \S+ from 192\.0\.2\.10 \(200 days ago\)/);

    const csv = ok(await casctl(['audit', path, '-o', 'csv'], { store }), 5).stdout.trim().split('\r\n');
    assert.equal(csv.length, violations + 1);
    assert.match(csv[0] ?? '', /^Rule,Guid,Name,PrimarySmtpAddress,.*,Reason$/);
    assert.ok(csv.some((line) => line.includes('grace.achterberg@tailspintoys.com') && line.endsWith(',POP3 enabled and unused for 90 days: no login recorded in 365 days')), csv.join('\n'));

    const junit = ok(await casctl(['audit', path, '-o', 'junit'], { store }), 5).stdout;
    assert.match(junit, /<testsuites name="casctl audit" tests="1" failures="1" errors="0">/);
    assert.equal(junit.match(/<failure type="violation"/g)?.length, violations);
    assert.match(junit, /message="Luis Carvalho &lt;luis\.carvalho@tailspintoys\.com&gt;: IMAP4 enabled and unused for 182 days: last login \S+ from 192\.0\.2\.30 \(190 days ago\)"/);
  });

  test('rules by identity and with exceptions cover only theirs; a protocol in use passes', async () => {
    const path = policy(`rules:
  - name: these two
    identities: [kate.oneil@tailspintoys.com, Luis Carvalho]
    unusedFor: 90d
  - name: Finance but Grace and Quentin
    organizationalUnit: ${FINANCE}
    except: [grace.achterberg@tailspintoys.com, Quentin Lefebvre]
    unusedFor: { PopEnabled: 13w }
  - name: John uses both
    identities: [john.smith.jr@tailspintoys.com]
    unusedFor: 2w
  - name: the Administrator never uses POP3 or IMAP4
    identities: [Administrator]
    unusedFor: 90d
`);
    const report = json<AuditJson>(ok(await casctl(['audit', path, '-o', 'json'], { store }), 5));
    const [two, finance, john, administrator] = report.Rules;
    assert.equal(two?.Selected, 2);
    assert.deepEqual(two?.Violations.map((v): [string, string[]] => [v.PrimarySmtpAddress, v.Unused.map((u) => u.Setting)]).sort(), [
      ['kate.oneil@tailspintoys.com', ['PopEnabled']],
      ['luis.carvalho@tailspintoys.com', ['ImapEnabled']],
    ]);
    const expected = [...(await expectedViolations(store))].filter(([a, s]) => s.includes('PopEnabled') && !['grace.achterberg@tailspintoys.com', 'quentin.lefebvre@tailspintoys.com'].includes(a)).map(([a]) => a);
    assert.deepEqual(finance?.Violations.map((v) => v.PrimarySmtpAddress.toLowerCase()).sort(), expected.sort());
    assert.equal(finance?.Selected, (await mailboxes(store, '--organizational-unit', FINANCE)).length - 2);
    assert.deepEqual([john?.Result, john?.Selected, john?.Violations.length], ['Pass', 1, 0]);
    // The Administrator reads disabled for both (the unit tests hold a stored-enabled one): nothing to report.
    assert.deepEqual([administrator?.Result, administrator?.Selected], ['Pass', 1]);
  });

  test('a rule whose filter names a last logon time is counted and checked with the logins joined', async () => {
    const since = ago(30).toISOString().slice(0, 10);
    const path = policy(`rules:\n  - name: IMAP4 users leave POP3 idle\n    organizationalUnit: ${FINANCE}\n    filter: "LastImapLogonTime -gt '${since}'"\n    unusedFor: { PopEnabled: 90d }\n`);
    const [rule] = json<AuditJson>(ok(await casctl(['audit', path, '-o', 'json'], { store }), 5)).Rules;
    assert.equal(rule?.Selected, 2, 'John and Kate used IMAP4 this month');
    assert.deepEqual(rule?.Violations.map((v) => v.PrimarySmtpAddress), ['kate.oneil@tailspintoys.com']);
  });

  test('--fix --yes turns off exactly the unused protocols of exactly those mailboxes; audit passes after; undo restores every one', async () => {
    const fixed = await recordedStore();
    const path = policy(POLICY);
    const before = await snapshot(fixed);
    const expected = await expectedViolations(fixed);

    const whatIf = ok(await casctl(['audit', path, '--fix', '--what-if'], { store: fixed }), 5);
    assert.match(whatIf.stderr, new RegExp(`What if: would change ${expected.size}, unchanged 0, refused 0`));
    assert.deepEqual(await snapshot(fixed), before, '--what-if changes nothing');

    const fix = ok(await casctl(['audit', path, '--fix', '--yes'], { store: fixed }), 0);
    assert.match(fix.stderr, new RegExp(`Changed ${expected.size}, unchanged 0`));
    assert.match(fix.stderr, /Recorded as change 1; undo it with: casctl undo 1/);
    const after = await snapshot(fixed);
    for (const [guid, row] of before) {
      const off = expected.get(row.PrimarySmtpAddress.toLowerCase()) ?? [];
      const wanted = { ...row, ...Object.fromEntries(off.map((s) => [s, false])) };
      assert.deepEqual(after.get(guid), wanted, row.Name);
    }
    assert.equal(ok(await casctl(['audit', path], { store: fixed }), 0).code, 0);

    ok(await casctl(['undo', '1', '--yes'], { store: fixed }), 0);
    assert.deepEqual(await snapshot(fixed), before, 'undo restores every mailbox');
    assert.equal(json<AuditJson>(ok(await casctl(['audit', path, '-o', 'json'], { store: fixed }), 5)).Summary.Violations, expected.size);
  });

  test('a rule that expects a protocol on where an unusedFor rule would turn it off is a contradiction (exit 2), nothing fixed', async () => {
    const path = policy(`${POLICY}  - name: Kate keeps POP3\n    identities: [kate.oneil@tailspintoys.com]\n    expect: { PopEnabled: true }\n`);
    const result = ok(await casctl(['audit', path, '--fix', '--yes'], { store }), 2);
    assert.match(result.stderr, /rule 'Finance leaves nothing idle' \(\S+policy\.yml:2:5\) expects PopEnabled False \(unusedFor: they leave it unused\) and rule 'Kate keeps POP3' \(\S+:5:5\) expects True of the same 1 mailbox, e\.g\. Katherine "Kate" O'Neil/);
    assert.equal(ok(await casctl(['get-changelog', '-o', 'json'], { store }), 0).stdout.trim(), '[]');
    // John uses POP3: the same expectation of him contradicts nothing.
    const john = policy(`${POLICY}  - name: John keeps POP3\n    identities: [john.smith.jr@tailspintoys.com]\n    expect: { PopEnabled: true }\n`);
    ok(await casctl(['audit', john], { store }), 5);
  });
});

describe('unusedFor without the records to answer it', () => {
  test('logins not recorded: refused, exit 3, nothing reported; a policy without unusedFor runs as before', async () => {
    const store = await sampleStore();
    for (const fix of [[], ['--fix', '--yes']]) {
      const result = ok(await casctl(['audit', policy(POLICY), ...fix], { store }), 3);
      assert.match(result.stderr, /policy\.yml has unusedFor rules, which decide by who logged in when\. Logins are not recorded for this store/);
      assert.equal(result.stdout, '');
    }
    const plain = ok(await casctl(['audit', policy('rules:\n  - name: no POP3\n    identities: [rzaher]\n    expect: { PopEnabled: false }\n')], { store }), 5);
    assert.doesNotMatch(plain.stderr, /recorded/);
    assert.equal(ok(await casctl(['get-changelog', '-o', 'json'], { store }), 0).stdout.trim(), '[]');
  });

  test('logins kept for less than a rule asks: refused, exit 3, naming the rule and the retention; kept for ever is enough', async () => {
    const store = await recordedStore();
    const config = (retentionDays: number | null): string => {
      const path = join(tempDir(), 'casctl.config.json');
      writeFileSync(path, JSON.stringify({ lastLogons: { retentionDays } }));
      return path;
    };
    const short = ok(await casctl(['audit', policy(POLICY), '--config', config(120)], { store }), 3);
    assert.match(short.stderr, /Rule 'Finance leaves nothing idle' \(\S+policy\.yml:2:5\) asks who left IMAP4 unused for 182 days, but logins are kept only 120 days/);
    assert.equal(short.stdout, '');
    const forever = json<AuditJson>(ok(await casctl(['audit', policy(POLICY), '--config', config(null), '-o', 'json'], { store }), 5));
    const grace = forever.Rules[0]?.Violations.find((v) => v.PrimarySmtpAddress === 'grace.achterberg@tailspintoys.com');
    assert.equal(grace?.Reason, 'POP3 enabled and unused for 90 days: no login recorded');
  });
});

// The LDAP store keeps no logins beside it: they are where "lastLogons" (or CASCTL_LAST_LOGONS) says.
for (const kind of STORE_KINDS.filter((k) => k === 'ldap')) {
  describe(`unusedFor on ${kind}`, () => {
    test('refused until the logins database is named; then mailboxes made today are spared, whatever the logins say', async () => {
      const store = await sampleStore(kind);
      const refused = ok(await casctl(['audit', policy(POLICY)], { store }), 3);
      assert.match(refused.stderr, /has unusedFor rules, which decide by who logged in when\. Logins are not recorded for this store/);

      const logons = join(tempDir(), 'logons.db');
      recordLogons(logons, LOGONS);
      const report = json<AuditJson>(ok(await casctl(['audit', policy(POLICY), '-o', 'json'], { store, env: { CASCTL_LAST_LOGONS: `sqlite:${logons}` } }), 0));
      assert.deepEqual(report.Rules.map((r) => [r.Result, r.Selected, r.Violations.length]), [['Pass', (await mailboxes(store, '--organizational-unit', FINANCE)).length, 0]]);
    });
  });
}
