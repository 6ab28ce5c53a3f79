import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openSqliteLastLogons } from '../../../src/store/sqlite/last-logons.js';
import { recordLogons } from '../../helpers/last-logons.js';

const dir = mkdtempSync(join(tmpdir(), 'casctl-last-logons-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-12-01T12:00:00Z');
/** The reader over a file, its clock at `now`. */
const open = (path: string, retentionDays: number | null) => openSqliteLastLogons(`sqlite:${path}`, { cwd: dir, env: {}, section: undefined, retentionDays, now: () => now });
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

test('the latest login per protocol, by any spelling of the address, within the retention', async () => {
  const path = join(dir, 'a.last-logons.db');
  recordLogons(path, [
    { user: 'Ann@Example.com', service: 'pop3', clientAddress: '192.0.2.1', time: daysAgo(3) },
    { user: 'ann@example.com', service: 'pop3', clientAddress: '192.0.2.7', time: daysAgo(1) },
    { user: 'ann@example.com', service: 'imap', clientAddress: '192.0.2.1', time: daysAgo(40) },
    { user: 'old@example.com', service: 'imap', time: daysAgo(400) },
    { user: 'ann@example.com', service: 'lmtp', time: daysAgo(0) },
  ]);
  const source = await open(path, 365);
  try {
    const found = await source.lastLogons(['Ann@Example.com', 'old@example.com', 'nobody@example.com']);
    assert.deepEqual([...found.keys()], ['Ann@Example.com']);
    assert.deepEqual(found.get('Ann@Example.com'), {
      pop3: { time: daysAgo(1), clientAddress: '192.0.2.7' },
      imap: { time: daysAgo(40), clientAddress: '192.0.2.1' },
    });
  } finally {
    await source.close();
  }
});

test("the webmail's logins, recorded as owa, are OWA's alone: IMAP4's time is the mail clients'", async () => {
  const path = join(dir, 'webmail.last-logons.db');
  recordLogons(path, [
    { user: 'ann@example.com', service: 'owa', clientAddress: '127.0.0.2', time: daysAgo(0) },
    { user: 'ann@example.com', service: 'imap', clientAddress: '192.0.2.1', time: daysAgo(20) },
    { user: 'bob@example.com', service: 'owa', clientAddress: '127.0.0.2', time: daysAgo(2) },
  ]);
  const source = await open(path, 365);
  try {
    const found = await source.lastLogons(['ann@example.com', 'bob@example.com']);
    assert.deepEqual(found.get('ann@example.com'), { owa: { time: daysAgo(0), clientAddress: '127.0.0.2' }, imap: { time: daysAgo(20), clientAddress: '192.0.2.1' } });
    assert.deepEqual(found.get('bob@example.com'), { owa: { time: daysAgo(2), clientAddress: '127.0.0.2' } });
  } finally {
    await source.close();
  }
});

test('a missing file says how to record logins, and is never read as "no logins"', async () => {
  await assert.rejects(
    open(join(dir, 'none.db'), null),
    /does not exist.*get-dovecotconfig --last-logons/,
  );
});
