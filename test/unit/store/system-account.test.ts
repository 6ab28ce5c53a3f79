import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { systemAccount, unreachableBy } from '../../../src/store/system-account.js';

const dir = mkdtempSync(join(tmpdir(), 'casctl-account-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an account by name (through id), as uid, or as uid:gid for a Dovecot whose accounts are not this machine\'s', () => {
  assert.deepEqual(systemAccount('root', 'The user'), { name: 'root', uid: 0, gid: 0 });
  assert.deepEqual(systemAccount('100', 'The user'), { name: '100', uid: 100, gid: null });
  assert.deepEqual(systemAccount('100:102', 'The user'), { name: '100:102', uid: 100, gid: 102 });
  assert.throws(() => systemAccount('no-such-user-casctl', '--dict-user'), /--dict-user 'no-such-user-casctl' is no user on this machine/);
});

test('a directory the account may not enter is named, with the chmod that lets it pass', () => {
  const inner = join(dir, 'closed', 'open');
  mkdirSync(inner, { recursive: true });
  const file = join(inner, 'x.db');
  writeFileSync(file, '');
  chmodSync(dir, 0o711);
  chmodSync(join(dir, 'closed'), 0o750);
  chmodSync(inner, 0o755);
  const stranger = { name: 'stranger', uid: 4242, gid: 4242 };
  assert.equal(unreachableBy(file, stranger, "Dovecot's dict"), `Dovecot's dict (user stranger) cannot reach ${file}: it may not enter ${join(dir, 'closed')} (mode 0750). Let it pass without listing or writing the directory: chmod o+x ${join(dir, 'closed')}`);
  chmodSync(join(dir, 'closed'), 0o751);
  assert.equal(unreachableBy(file, stranger, "Dovecot's dict"), null);
  // By its group, not by others' bits.
  chmodSync(join(dir, 'closed'), 0o750);
  assert.equal(unreachableBy(file, { name: 'root-group', uid: 4242, gid: 0 }, "Dovecot's dict"), null);
});
