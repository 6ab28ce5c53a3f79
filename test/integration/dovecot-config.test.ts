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
