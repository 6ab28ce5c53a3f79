import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { defaultLastLogonsPath } from '../../src/cli/last-logons.js';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';
import { recordLogons } from '../helpers/last-logons.js';
import { setWhenCreated } from '../helpers/mailbox-age.js';

// Deciding on OWA's logins: the webmail's logins are recorded apart (service owa) only where webmail
// networks are configured; elsewhere they count as IMAP4's, and a filter or audit on OWA would call everyone idle.

const DAY = 86_400_000;
const ago = (days: number): Date => new Date(Date.now() - days * DAY);
const WEBMAIL_USER = 'rand.zaher@tailspintoys.com';
const IMAP_ONLY = 'priya.raman@tailspintoys.com';
const POLICY = `rules:\n  - name: No idle webmail\n    identities: [${WEBMAIL_USER}, ${IMAP_ONLY}]\n    unusedFor: { OWAEnabled: 90d }\n`;

let store: string;
let policy: string;
let webmailConfig: string;
before(async () => {
  store = await sampleStore();
  setWhenCreated(store, ago(1000));
  recordLogons(defaultLastLogonsPath(store), [
    { user: WEBMAIL_USER, service: 'owa', clientAddress: '127.0.0.2', time: ago(3) },
    { user: IMAP_ONLY, service: 'imap', clientAddress: '192.0.2.5', time: ago(1) },
  ]);
  const dir = tempDir();
  policy = join(dir, 'policy.yml');
  writeFileSync(policy, POLICY);
  webmailConfig = join(dir, 'casctl.json');
  writeFileSync(webmailConfig, JSON.stringify({ dovecot: { webmailNetworks: ['127.0.0.2/32'] } }), { mode: 0o600 });
});

test('without webmail networks, an unusedFor rule on OWAEnabled is refused (exit 3): nothing is checked or changed', async () => {
  const result = await casctl(['audit', policy, '--fix', '--yes'], { store });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /Rule 'No idle webmail' \(.*policy\.yml:2:\d+\) has unusedFor OWAEnabled\. No webmail networks are configured, so the webmail's logins are recorded as imap and nobody's LastOwaLogonTime is known/);
  const shown = await casctl(['get-casmailbox', WEBMAIL_USER, IMAP_ONLY, '--property', 'PrimarySmtpAddress,OWAEnabled', '-o', 'json'], { store });
  assert.deepEqual((JSON.parse(shown.stdout) as { OWAEnabled: boolean }[]).map((r) => r.OWAEnabled), [true, true]);
});

test('with webmail networks, the webmail user keeps OWA and the mail-client user, whose IMAP logins are no webmail use, is reported', async () => {
  const result = await casctl(['audit', policy, '--config', webmailConfig, '-o', 'json'], { store });
  assert.equal(result.code, 5, result.stderr);
  const report = JSON.parse(result.stdout) as { Rules: { Violations: { PrimarySmtpAddress: string; Unused: { Setting: string }[] }[] }[] };
  assert.deepEqual(report.Rules[0]?.Violations.map((v) => [v.PrimarySmtpAddress, v.Unused.map((u) => u.Setting)]), [[IMAP_ONLY, ['OWAEnabled']]]);
});

test('a filter on LastOwaLogonTime: refused (exit 3) without webmail networks, the webmail logins with them', async () => {
  const args = ['get-casmailbox', WEBMAIL_USER, IMAP_ONLY, '--filter', 'LastOwaLogonTime -eq $null', '--property', 'PrimarySmtpAddress', '-o', 'json'];
  const refused = await casctl(args, { store });
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /The filter names LastOwaLogonTime\. No webmail networks are configured/);
  const selected = await casctl([...args, '--config', webmailConfig], { store });
  assert.equal(selected.code, 0, selected.stderr);
  assert.deepEqual((JSON.parse(selected.stdout) as { PrimarySmtpAddress: string }[]).map((r) => r.PrimarySmtpAddress), [IMAP_ONLY]);
  const imap = await casctl(['get-casmailbox', WEBMAIL_USER, IMAP_ONLY, '--filter', 'LastImapLogonTime -eq $null', '--property', 'PrimarySmtpAddress', '-o', 'json'], { store });
  assert.equal(imap.code, 0, imap.stderr);
  assert.deepEqual((JSON.parse(imap.stdout) as { PrimarySmtpAddress: string }[]).map((r) => r.PrimarySmtpAddress), [WEBMAIL_USER], 'IMAP4 needs no webmail networks');
});

test("the default columns show LastOwaLogonTime only where webmail logins are recorded apart, never empty for everyone", async () => {
  const keys = async (extra: string[]): Promise<string[]> => {
    const result = await casctl(['get-casmailbox', WEBMAIL_USER, '-o', 'json', ...extra], { store });
    assert.equal(result.code, 0, result.stderr);
    return Object.keys((JSON.parse(result.stdout) as Record<string, unknown>[])[0] ?? {});
  };
  const without = await keys([]);
  assert.ok(without.includes('LastImapLogonTime') && !without.includes('LastOwaLogonTime'), without.join());
  assert.ok((await keys(['--config', webmailConfig])).includes('LastOwaLogonTime'));
});
