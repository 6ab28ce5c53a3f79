import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';
import { flushBatches } from '../../../src/services/flush-batches.js';
import { combineOrigins, mustEnd, parseWho, sessionTargets, type LostSessions, type Session, type SessionOrigin } from '../../../src/services/sessions.js';

const network = (text: string): IpNetwork => {
  const parsed = parseNetwork(text);
  if (!('network' in parsed)) throw new Error(parsed.problem);
  return parsed.network;
};
const lostOf = (entries: [string, [string, SessionOrigin][]][], webmailNetworks: IpNetwork[] = []): LostSessions => ({
  byUser: new Map(entries.map(([user, services]) => [user, new Map(services)])),
  webmailNetworks,
});

test("parseWho reads 2.3's and 2.4's `doveadm -f tab who -1` by column name", () => {
  // As printed here by 2.3.19 and 2.4.1.
  const v23 = 'username\tproto\tpid\tip\nu0@x.org\tpop3\t15296\t127.0.0.1\nU1@X.org\timap\t15298\t127.0.0.1\n';
  const v24 = 'username\tservice\tpid\tip\tdest_ip\nu0@x.org\timap\t2001\t127.0.0.1\t\n';
  assert.deepEqual(parseWho(v23), [
    { user: 'u0@x.org', service: 'pop3', pid: 15296, ip: '127.0.0.1' },
    { user: 'u1@x.org', service: 'imap', pid: 15298, ip: '127.0.0.1' },
  ]);
  assert.deepEqual(parseWho(v24), [{ user: 'u0@x.org', service: 'imap', pid: 2001, ip: '127.0.0.1' }]);
  assert.deepEqual(parseWho('username\tproto\tpid\nu@x\timap\t7\n'), [{ user: 'u@x', service: 'imap', pid: 7, ip: null }], 'no ip column');
  assert.deepEqual(parseWho('username\tproto\tpid\tip\nu@x\timap\t7\t\n'), [{ user: 'u@x', service: 'imap', pid: 7, ip: null }], 'an empty ip');
  assert.deepEqual(parseWho('username\tproto\tpid\tip\n'), []);
  assert.throws(() => parseWho('username\t#\tproto\t(pids)\t(ips)\n'), /no username, proto and pid columns/);
});

test('sessionTargets ends exactly the lost sessions and never a process that serves someone else', () => {
  const sessions: Session[] = [
    { user: 'a@x', service: 'imap', pid: 10, ip: '127.0.0.1' },
    { user: 'a@x', service: 'pop3', pid: 11, ip: '127.0.0.1' },
    { user: 'b@x', service: 'imap', pid: 12, ip: '127.0.0.1' },
    { user: 'a@x', service: 'imap', pid: 13, ip: '127.0.0.1' },
    // client_limit > 1: one process, two users
    { user: 'c@x', service: 'imap', pid: 14, ip: '127.0.0.1' },
    { user: 'b@x', service: 'imap', pid: 14, ip: '127.0.0.1' },
  ];
  const lost = lostOf([['a@x', [['imap', 'anywhere']]], ['c@x', [['imap', 'anywhere']]]]);
  const targets = sessionTargets(sessions, lost);
  assert.deepEqual(targets.pids, [10, 13]);
  assert.equal(targets.sessions, 2);
  assert.deepEqual(targets.shared, [{ user: 'c@x', service: 'imap', pid: 14, ip: '127.0.0.1' }]);
  assert.deepEqual(sessionTargets(sessions, lostOf([])).pids, []);
});

test('a loss by origin ends the sessions from the webmail networks (OWA) or from elsewhere (IMAP4), never the others', () => {
  const webmail = [network('127.0.0.2/32'), network('2001:db8::/32')];
  const sessions: Session[] = [
    { user: 'a@x', service: 'imap', pid: 1, ip: '127.0.0.2' },
    { user: 'a@x', service: 'imap', pid: 2, ip: '127.0.0.1' },
    { user: 'a@x', service: 'imap', pid: 3, ip: '::ffff:127.0.0.2' },
    { user: 'a@x', service: 'imap', pid: 4, ip: '2001:db8::7' },
    { user: 'a@x', service: 'imap', pid: 5, ip: null },
    { user: 'a@x', service: 'pop3', pid: 6, ip: '127.0.0.2' },
  ];
  const ended = (origin: SessionOrigin): number[] => sessionTargets(sessions, lostOf([['a@x', [['imap', origin]]]], webmail)).pids;
  assert.deepEqual(ended('webmail'), [1, 3, 4]);
  assert.deepEqual(ended('elsewhere'), [2, 5], 'a session whose address who does not list is not the webmail');
  assert.deepEqual(ended('anywhere'), [1, 2, 3, 4, 5]);
  assert.equal(mustEnd({ user: 'b@x', service: 'imap', pid: 9, ip: '127.0.0.2' }, lostOf([['a@x', [['imap', 'webmail']]]], webmail)), false);
  assert.deepEqual(
    [combineOrigins(undefined, 'webmail'), combineOrigins('webmail', 'webmail'), combineOrigins('webmail', 'elsewhere'), combineOrigins('anywhere', 'elsewhere')],
    ['webmail', 'webmail', 'anywhere', 'anywhere'],
  );
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
