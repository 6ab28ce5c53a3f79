import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flushBatches } from '../../../src/services/flush-batches.js';
import { parseWho, sessionTargets } from '../../../src/services/sessions.js';

test("parseWho reads 2.3's and 2.4's `doveadm -f tab who -1` by column name", () => {
  // As printed here by 2.3.19 and 2.4.1.
  const v23 = 'username\tproto\tpid\tip\nu0@x.org\tpop3\t15296\t127.0.0.1\nU1@X.org\timap\t15298\t127.0.0.1\n';
  const v24 = 'username\tservice\tpid\tip\tdest_ip\nu0@x.org\timap\t2001\t127.0.0.1\t\n';
  assert.deepEqual(parseWho(v23), [
    { user: 'u0@x.org', service: 'pop3', pid: 15296 },
    { user: 'u1@x.org', service: 'imap', pid: 15298 },
  ]);
  assert.deepEqual(parseWho(v24), [{ user: 'u0@x.org', service: 'imap', pid: 2001 }]);
  assert.deepEqual(parseWho('username\tproto\tpid\tip\n'), []);
  assert.throws(() => parseWho('username\t#\tproto\t(pids)\t(ips)\n'), /no username, proto and pid columns/);
});

test('sessionTargets ends exactly the lost sessions and never a process that serves someone else', () => {
  const sessions = [
    { user: 'a@x', service: 'imap', pid: 10 },
    { user: 'a@x', service: 'pop3', pid: 11 },
    { user: 'b@x', service: 'imap', pid: 12 },
    { user: 'a@x', service: 'imap', pid: 13 },
    // client_limit > 1: one process, two users
    { user: 'c@x', service: 'imap', pid: 14 },
    { user: 'b@x', service: 'imap', pid: 14 },
  ];
  const lost = new Map([['a@x', new Set(['imap'])], ['c@x', new Set(['imap'])]]);
  const targets = sessionTargets(sessions, lost);
  assert.deepEqual(targets.pids, [10, 13]);
  assert.equal(targets.sessions, 2);
  assert.deepEqual(targets.shared, [{ user: 'c@x', service: 'imap', pid: 14 }]);
  assert.deepEqual(sessionTargets(sessions, new Map()).pids, []);
});

test('flushBatches keeps every auth-master line within 1024 bytes, names whole and in order', () => {
  const names = Array.from({ length: 3000 }, (_, i) => `user.with.a.long.name${i}@département.example`);
  const batches = flushBatches(names);
  assert.deepEqual(batches.flat(), names);
  for (const batch of batches) {
    // CACHE-FLUSH <id> <name>... with a 10-digit id, as doveadm sends it.
    const line = `CACHE-FLUSH\t4294967295\t${batch.join('\t')}\n`;
    assert.ok(Buffer.byteLength(line) <= 1024, `${Buffer.byteLength(line)} bytes`);
  }
  assert.ok(batches.length < names.length / 10, 'batches are filled');
  assert.deepEqual(flushBatches([]), []);
});
