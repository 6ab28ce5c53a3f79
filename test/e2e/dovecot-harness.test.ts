/**
 * The harness's Dovecot 2.4 instances share one Debian 13 root, and test files run at once: one
 * instance starting and stopping must leave another's logins alone (it once took the mount that
 * the other's master had its working directory on; its imap and pop3 processes then died with
 * "getcwd() failed" and every login hung up after the greeting).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';
import { DEBIAN13_ROOT } from '../helpers/debian13-root.js';
import { loginsTo } from '../helpers/dovecot-evidence.js';
import { dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';

const PASSWORD = 'Tailspin!2026';
const USER = 'rand.zaher@tailspintoys.com';

async function dovecot24(store: string): Promise<Dovecot> {
  const dir = tempDir();
  const written = await casctl(['get-dovecotconfig', '--write', dir, '--store', store, '--dovecot-version', '2.4']);
  assert.equal(written.code, 0, written.stderr);
  return startDovecot({ version: '2.4', authInclude: join(dir, 'casctl-auth.conf') });
}

describe('the harness: Dovecot 2.4 instances in one Debian 13 root', { skip: dovecotSkipReason('2.4') }, () => {
  let store: string;
  const started: Dovecot[] = [];
  before(async () => {
    store = await sampleStore();
  });
  after(async () => {
    for (const dovecot of started) await dovecot.stop();
  });

  test('an instance started first and stopped first leaves the later one serving logins', async () => {
    const first = await dovecot24(store);
    started.push(first);
    const second = await dovecot24(store);
    started.push(second);
    await first.stop();
    const logins = loginsTo(second);
    assert.ok((await logins.imap(USER, PASSWORD)).ok, 'IMAP');
    assert.ok((await logins.pop3(USER, PASSWORD)).ok, 'POP3');
  });

  test('nothing is mounted in the root where another test file could unmount it', async () => {
    const dovecot = await dovecot24(store);
    started.push(dovecot);
    assert.ok((await loginsTo(dovecot).imap(USER, PASSWORD)).ok);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.split(' ')[4]?.startsWith(DEBIAN13_ROOT) === true);
    assert.deepEqual(mounts, []);
  });
});
