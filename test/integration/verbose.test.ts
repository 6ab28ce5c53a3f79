/**
 * --verbose on the embedded store, its logins database and the services: every SQL statement and service command
 * casctl runs, on stderr, one line each and marked; stdout unchanged; no bound value, so no
 * password (an import's, hashed or not) ever reaches the trace.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, FIXTURES, sampleStore, tempDir } from '../helpers/cli.js';
import { recordLogons } from '../helpers/last-logons.js';
import { recordingServices } from '../helpers/recording-services.js';
import { defaultLastLogonsPath } from '../../src/cli/last-logons.js';

const traced = (stderr: string, kind: string): string[] => stderr.split('\n').filter((l) => l.startsWith(`casctl: ${kind}: `));

test('a read shows its statements on stderr, one line each, without the values bound to them; stdout is the same as without', async () => {
  const store = await sampleStore();
  const plain = await casctl(['get-casmailbox', 'rzaher', '-o', 'json'], { store });
  const verbose = await casctl(['--verbose', 'get-casmailbox', 'rzaher', '-o', 'json'], { store });
  assert.equal(verbose.code, 0, verbose.stderr);
  assert.equal(verbose.stdout, plain.stdout);
  assert.equal(plain.stderr, '', 'nothing without --verbose');
  const lines = verbose.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.filter((l) => !l.startsWith('casctl: sql: ')), [], 'every line is a statement');
  assert.ok(lines.some((l) => /^casctl: sql: SELECT .* FROM /.test(l)), verbose.stderr);
  assert.ok(!lines.some((l) => l.includes('rzaher')), 'the identity is a bound value, not shown');
  const powershell = await casctl(['Get-CASMailbox', 'rzaher', '-Verbose', '-o', 'json'], { store });
  assert.equal(powershell.stderr, verbose.stderr, "PowerShell's -Verbose is --verbose");
});

test('a change shows its transaction; an import, with the sample passwords, shows none of them', async () => {
  const store = await sampleStore();
  const set = await casctl(['--verbose', 'set-casmailbox', 'rzaher', '--pop-enabled', 'false', '--yes'], { store });
  assert.equal(set.code, 0, set.stderr);
  const statements = traced(set.stderr, 'sql');
  const at = (pattern: RegExp): number => statements.findIndex((l) => pattern.test(l));
  assert.ok(at(/^casctl: sql: BEGIN IMMEDIATE$/) >= 0 && at(/^casctl: sql: BEGIN IMMEDIATE$/) < at(/^casctl: sql: UPDATE mailboxes /), set.stderr);
  assert.ok(at(/^casctl: sql: UPDATE mailboxes /) < at(/^casctl: sql: COMMIT$/), set.stderr);
  assert.match(set.stderr, /^Changed 1, /m, 'the messages are there as ever, apart from the trace');

  const fresh = join(tempDir(), 'fresh.db');
  const init = await casctl(['--verbose', 'init', '--store', fresh]);
  assert.equal(init.code, 0, init.stderr);
  assert.ok(traced(init.stderr, 'sql').some((l) => l.includes('CREATE TABLE')), init.stderr);
  const imported = await casctl(['--verbose', 'import', join(FIXTURES, 'sample-directory.csv')], { store: fresh });
  assert.equal(imported.code, 0, imported.stderr);
  assert.ok(traced(imported.stderr, 'sql').some((l) => l.startsWith('casctl: sql: INSERT')), imported.stderr);
  assert.ok(!imported.stderr.includes('Tailspin!2026'), 'no password');
  assert.doesNotMatch(imported.stderr, /\$(2[aby]|argon2|6)\$|\{S?SHA|\{CRYPT\}|\{BLF-CRYPT\}/i, 'no password hash either');
});

test('service commands: each argv as the admin would type it, before it runs', async () => {
  const store = await sampleStore();
  const services = recordingServices(['MSExchangePOP3', 'MSExchangePOP3BE', 'MSExchangeIMAP4', 'MSExchangeIMAP4BE']);
  const script = join(services.config, '..', 'record.sh');
  const restart = await casctl(['--verbose', 'restart-service', 'MSExchangeIMAP4', '--config', services.config], { store });
  assert.equal(restart.code, 0, restart.stderr);
  assert.ok(traced(restart.stderr, 'run').includes(`casctl: run: ${script} restart MSExchangeIMAP4`), restart.stderr);
  assert.ok(traced(restart.stderr, 'sql').length > 0, 'the store it reads is traced too');

  services.forget();
  const set = await casctl(['--verbose', 'set-casmailbox', 'rzaher', '--pop-enabled', 'false', '--restart', '--yes', '--config', services.config], { store });
  assert.equal(set.code, 0, set.stderr);
  const run = traced(set.stderr, 'run');
  assert.ok(run.includes(`casctl: run: ${script} flush MSExchangePOP3 rand.zaher@tailspintoys.com rzaher@tailspintoys.com`), set.stderr);
  assert.ok(run.includes(`casctl: run: ${script} kick MSExchangePOP3 rand.zaher@tailspintoys.com`), set.stderr);
  assert.equal(run.length, services.ran().length, `one line for each command run:\n${run.join('\n')}\n--\n${services.ran().join('\n')}`);

  const quiet = await casctl(['restart-service', 'MSExchangeIMAP4', '--config', services.config], { store });
  assert.deepEqual(traced(quiet.stderr, 'run'), []);
});

test('the logins database: setting it up, reading and pruning it show their statements too, never a login bound to them', async () => {
  const store = await sampleStore();
  const setup = await casctl(['--verbose', 'get-dovecotconfig', '--store', store, '--last-logons', '--write', join(tempDir(), 'dovecot'), '--dict-user', String(process.getuid?.() ?? 0)]);
  assert.equal(setup.code, 0, setup.stderr);
  assert.ok(traced(setup.stderr, 'sql').some((l) => /^casctl: sql: CREATE TABLE IF NOT EXISTS last_logon /.test(l)), setup.stderr);
  assert.deepEqual(traced(setup.stderr, 'run'), ['casctl: run: dovecot --version'], 'asking which Dovecot runs is a command casctl runs');
  recordLogons(defaultLastLogonsPath(store), [{ user: 'rand.zaher@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.1', time: new Date(Date.now() - 400 * 86_400_000) }]);
  const read = await casctl(['--verbose', 'get-casmailbox', 'rzaher', '--property', 'LastPopLogonTime', '-o', 'json'], { store });
  assert.equal(read.code, 0, read.stderr);
  assert.ok(traced(read.stderr, 'sql').some((l) => /^casctl: sql: SELECT .* FROM last_logon\b/.test(l)), read.stderr);
  const pruned = await casctl(['--verbose', 'prune-lastlogons', '--store', store]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.ok(traced(pruned.stderr, 'sql').some((l) => /^casctl: sql: DELETE FROM last_logon\b/.test(l)), pruned.stderr);
  for (const result of [read, pruned]) assert.ok(!traced(result.stderr, 'sql').some((l) => l.includes('rand.zaher') || l.includes('192.0.2.1')), result.stderr);
});
