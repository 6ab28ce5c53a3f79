import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';

test('get-dovecotconfig --write replaces its files whole, 0640, and never writes through a symlink', async () => {
  const store = await sampleStore();
  const dir = join(tempDir(), 'dovecot');
  const first = await casctl(['get-dovecotconfig', '--write', dir, '--store', store, '--dovecot-version', '2.3']);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['casctl-auth.conf', 'casctl-sql.conf.ext'], 'no temp file left behind');
  assert.equal(statSync(join(dir, 'casctl-auth.conf')).mode & 0o777, 0o640);
  const again = await casctl(['get-dovecotconfig', '--write', dir, '--store', store, '--dovecot-version', '2.4']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(readFileSync(join(dir, 'casctl-auth.conf'), 'utf8'), /passdb sql \{/);

  const victim = join(tempDir(), 'shadow');
  writeFileSync(victim, 'root:x:0:0\n');
  const planted = join(tempDir(), 'planted');
  mkdirSync(planted);
  symlinkSync(victim, join(planted, 'casctl-auth.conf'));
  const refused = await casctl(['get-dovecotconfig', '--write', planted, '--store', store, '--dovecot-version', '2.4']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /casctl-auth\.conf' is a symbolic link: casctl does not write through it/);
  assert.equal(readFileSync(victim, 'utf8'), 'root:x:0:0\n', 'the target is untouched');
  assert.ok(lstatSync(join(planted, 'casctl-auth.conf')).isSymbolicLink());
});

test('a store path that would inject Dovecot directives is refused and nothing is written', async () => {
  const parent = join(tempDir(), 'evil\npassdb {\n  driver = static\n}\n');
  mkdirSync(parent, { recursive: true });
  const store = join(parent, 'casctl.db');
  assert.equal((await casctl(['init', '--store', store])).code, 0);
  const out = join(tempDir(), 'out');
  for (const version of ['2.3', '2.4']) {
    const result = await casctl(['get-dovecotconfig', '--write', out, '--store', store, '--dovecot-version', version]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /The store path ".*evil\\npassdb.*" holds "\\n", which Dovecot's configuration cannot hold as written; nothing was written\./);
    assert.equal(existsSync(out), false);
    const printed = await casctl(['get-dovecotconfig', '--store', store, '--dovecot-version', version]);
    assert.equal(printed.code, 2);
    assert.equal(printed.stdout, '');
  }
});

test('webmail networks: from the config or --webmail-network, else a warning that OWAEnabled is not enforced; a bad one changes nothing', async () => {
  const store = await sampleStore();
  const dir = tempDir();
  const config = join(dir, 'casctl.config.json');
  const print = (args: string[] = []) => casctl(['get-dovecotconfig', '--store', store, '--dovecot-version', '2.3', ...args], { env: { CASCTL_CONFIG: config } });
  writeFileSync(config, '{}', { mode: 0o600 });
  const none = await print();
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stderr, /^WARNING: OWAEnabled is stored but not enforced: no webmail networks are configured\./m);
  assert.doesNotMatch(none.stdout, /allow_real_nets/);

  writeFileSync(config, JSON.stringify({ dovecot: { webmailNetworks: ['127.0.0.2', '2001:DB8::/32'] } }), { mode: 0o600 });
  const configured = await print();
  assert.equal(configured.code, 0, configured.stderr);
  assert.doesNotMatch(configured.stderr, /WARNING/);
  assert.match(configured.stdout, /'127\.0\.0\.2\/32 2001:db8::\/32' AS allow_real_nets/);
  assert.match(configured.stdout, /^# ---- \/etc\/dovecot\/casctl-sql-owa-refuse\.conf\.ext ----$/m);

  const same = await print(['--webmail-network', '2001:db8::/32', '--webmail-network', '127.0.0.2/32']);
  assert.doesNotMatch(same.stderr, /WARNING/, 'the same networks in another order');
  const other = await print(['--webmail-network', '10.1.0.0/16']);
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, /'10\.1\.0\.0\/16' AS allow_real_nets/);
  assert.match(other.stderr, /WARNING: --webmail-network differs from the configuration's dovecot\.webmailNetworks \(127\.0\.0\.2\/32 2001:db8::\/32\), by which refreshes tell/);

  const out = join(dir, 'out');
  const bad = await casctl(['get-dovecotconfig', '--write', out, '--store', store, '--dovecot-version', '2.4', '--webmail-network', '10.1.2.3/16'], { env: { CASCTL_CONFIG: config } });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--webmail-network "10\.1\.2\.3\/16" has bits set beyond its \/16 prefix: the network is 10\.1\.0\.0\/16\./);
  writeFileSync(config, JSON.stringify({ dovecot: { webmailNetworks: ['127.0.0.2/32', "10.0.0.0/8' OR 1=1"] } }), { mode: 0o600 });
  const badConfig = await casctl(['get-dovecotconfig', '--write', out, '--store', store, '--dovecot-version', '2.4'], { env: { CASCTL_CONFIG: config } });
  assert.equal(badConfig.code, 3, badConfig.stderr);
  assert.match(badConfig.stderr, /"dovecot"\."webmailNetworks"\[1\] "10\.0\.0\.0\/8' OR 1=1" has a prefix that is not a number from 0 to 32\./);
  assert.equal(existsSync(out), false, 'nothing written');
});
