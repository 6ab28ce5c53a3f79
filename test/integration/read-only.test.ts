import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, casctl, json, sampleStore, tempDir } from '../helpers/cli.js';

describe('--read-only', () => {
  test('reads and what-ifs work; every change, init included, is refused before the store is touched', async () => {
    const store = await sampleStore('sqlite');
    const path = store.replace(/^sqlite:/, '');
    const modified = statSync(path).mtimeMs;
    const read = await casctl(['--read-only', 'get-casmailbox', 'rand.zaher@tailspintoys.com', '-o', 'json'], { store });
    assert.equal(read.code, 0, read.stderr);
    assert.equal(json(read).length, 1);
    const whatIf = await casctl(['--read-only', 'set-casmailbox', 'rand.zaher@tailspintoys.com', '--pop-enabled', 'false', '--what-if'], { store });
    assert.equal(whatIf.code, 0, whatIf.stderr);
    for (const args of [
      ['set-casmailbox', 'rand.zaher@tailspintoys.com', '--pop-enabled', 'false', '--yes'],
      ['set-transportconfig', '--smtp-client-authentication-disabled', 'true', '--yes'],
      ['undo', '1', '--yes'],
    ]) {
      const refused = await casctl(['--read-only', ...args], { store });
      assert.equal(refused.code, 2, `${args[0] ?? ''}: ${refused.stderr}`);
      assert.match(refused.stderr, /--read-only: this command changes the store, so nothing was done/);
    }
    // An audit with --fix opens the store to write: refused, though the audit alone runs (the LDAP safety test shows one).
    const fix = await casctl(['--read-only', 'audit', join(FIXTURES, 'policies', 'sample-policy.yml'), '--fix', '--yes'], { store });
    assert.equal(fix.code, 2, fix.stderr);
    assert.match(fix.stderr, /--read-only: this command changes the store/);
    const init = await casctl(['--read-only', 'init'], { store: `sqlite:${join(tempDir(), 'new.db')}` });
    assert.equal(init.code, 2);
    assert.match(init.stderr, /--read-only: this command creates or upgrades the store/);
    assert.equal(statSync(path).mtimeMs, modified, 'the store file was not written');
    const history = await casctl(['get-changelog', '-o', 'json'], { store });
    assert.deepEqual(json(history), []);
  });
});
