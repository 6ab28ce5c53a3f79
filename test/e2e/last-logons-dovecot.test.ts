import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { LastLogonSource } from '../../src/core/last-logons.js';
import { openLastLogonSource } from '../../src/store/last-logons.js';
import { casctl, type CliResult } from '../helpers/cli.js';
import { rootAccount } from '../helpers/debian13-root.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, type Dovecot } from '../helpers/dovecot.js';
import { deliverByLda } from '../helpers/lda-delivery.js';
import { imapLogin, pop3Login } from '../helpers/mail-login.js';
import { recordedRows, startRecordingDovecot, type RecordedRow } from '../helpers/recording-dovecot.js';

const PASSWORD = 'Tailspin!2026';
/** A mailbox of the sample directory, its primary address and another of its addresses. */
const PRIMARY = 'rand.zaher@tailspintoys.com';
const ALIAS = 'rzaher@tailspintoys.com';
const OTHER = 'jack.weber@tailspintoys.com';

const seconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Dovecot really records logins where casctl reads them: a private Dovecot (2.3 and 2.4) with the
 * files `get-dovecotconfig --last-logons --write` writes, real IMAP and POP3 logins from 127.0.0.x,
 * and a delivery and doveadm runs that must not count.
 */
for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} records the last login per mailbox and protocol`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let store: string;
    let logins: string;
    let written: CliResult;

    const rows = (): RecordedRow[] => recordedRows(logins);
    /** The dict writes after the login's reply, asynchronously: wait for the row to appear or change. */
    const rowOnce = async (check: (rows: RecordedRow[]) => boolean, what: string): Promise<RecordedRow[]> => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const now = rows();
        if (check(now)) return now;
        await sleep(100);
      }
      assert.fail(`${what}; rows: ${JSON.stringify(rows())}\n${dovecot.log()}`);
    };
    const find = (all: RecordedRow[], user: string, service: string, address: string): RecordedRow | undefined =>
      all.find((r) => r.username === user && r.service === service && r.client_address === address);

    before(async () => {
      ({ dovecot, store, logins, written } = await startRecordingDovecot(version));
    });

    after(async () => {
      await dovecot?.stop();
    });

    test('--write creates the logins database beside the store, for the dict user only, and says what is left to do', () => {
      assert.match(written.stderr, new RegExp(`Created ${logins.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(written.stderr, /cannot reach .*chmod o\+x/);
      const dictUid = version === '2.4' ? rootAccount('dovecot').uid : statSync(logins).uid;
      for (const file of [logins, `${logins}-wal`, `${logins}-shm`]) {
        const st = statSync(file);
        assert.equal(st.mode & 0o777, 0o660, file);
        assert.equal(st.uid, dictUid, file);
      }
      assert.notEqual(statSync(store).uid, dictUid, 'the store stays casctl\'s');
      assert.deepEqual(rows(), []);
    });

    test('the dict socket of its own is the mail user\'s alone, and the dict server\'s usual socket stays', () => {
      const socket = statSync(join(dovecot.base, 'run', 'casctl-last-login'));
      assert.ok(socket.isSocket());
      assert.equal(socket.mode & 0o777, 0o600);
      assert.equal(socket.uid, version === '2.4' ? rootAccount('vmail').uid : Number(execFileSync('id', ['-u', 'vmail'], { encoding: 'utf8' }).trim()));
      assert.ok(statSync(join(dovecot.base, 'run', 'dict')).isSocket(), 'other dicts (quota, ...) still reach the dict server');
    });

    test('IMAP and POP3 logins, by any address, record the primary address, the protocol and the client address', async () => {
      const start = seconds();
      assert.ok((await imapLogin(dovecot.imapPort, ALIAS, PASSWORD, { localAddress: '127.0.0.5' })).ok, dovecot.log());
      assert.ok((await pop3Login(dovecot.pop3Port, PRIMARY, PASSWORD, undefined, '127.0.0.6')).ok, dovecot.log());
      const all = await rowOnce((r) => r.length === 2, 'an IMAP and a POP3 row');
      const end = seconds();
      const imap = find(all, PRIMARY, 'imap', '127.0.0.5');
      const pop3 = find(all, PRIMARY, 'pop3', '127.0.0.6');
      assert.ok(imap !== undefined && pop3 !== undefined, JSON.stringify(all));
      for (const row of [imap, pop3]) assert.ok(row.last_logon >= start && row.last_logon <= end, `${row.last_logon} within ${start}..${end}`);
    });

    test('a delivery and doveadm runs record nothing, and the plugin is not even loaded for them; a refused login records nothing', async () => {
      const before = rows();
      const offset = dovecot.log().length;
      deliverByLda(dovecot, OTHER);
      const status = dovecot.doveadm(['mailbox', 'status', '-u', OTHER, 'messages', 'INBOX']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /messages=1/);
      assert.equal((await imapLogin(dovecot.imapPort, OTHER, 'wrong password', { localAddress: '127.0.0.7' })).ok, false);
      // A login after them, to know the dict has written everything sent before it.
      assert.ok((await imapLogin(dovecot.imapPort, PRIMARY, PASSWORD, { localAddress: '127.0.0.8' })).ok);
      const after = await rowOnce((r) => r.length === before.length + 1, 'the later IMAP login recorded');
      assert.deepEqual(after.filter((r) => r.username === OTHER), [], 'no row for the mailbox that only got mail and doveadm runs');
      assert.ok(find(after, PRIMARY, 'imap', '127.0.0.8') !== undefined);
      // Loaded for them, the plugin would write a key without a remote address, which no map takes: an error in the log.
      assert.doesNotMatch(dovecot.log().slice(offset), /last_login|dict/i);
    });

    test('a second login from the same address moves its time forward, and casctl reads the latest per protocol', async () => {
      const first = find(rows(), PRIMARY, 'pop3', '127.0.0.6');
      assert.ok(first !== undefined);
      // last_login_precision = s: the next second.
      await sleep(Math.max(0, (first.last_logon + 1) * 1000 - Date.now() + 50));
      assert.ok((await pop3Login(dovecot.pop3Port, ALIAS, PASSWORD, undefined, '127.0.0.6')).ok);
      const moved = await rowOnce((r) => (find(r, PRIMARY, 'pop3', '127.0.0.6')?.last_logon ?? 0) > first.last_logon, 'the POP3 time moved forward');
      assert.equal(moved.filter((r) => r.username === PRIMARY && r.service === 'pop3').length, 1, 'one row per address, updated in place');

      let source: LastLogonSource | undefined;
      try {
        source = await openLastLogonSource(`sqlite:${logins}`, { cwd: dirname(store), env: {}, sections: {}, retentionDays: 365, now: () => new Date() });
        const found = await source.lastLogons([PRIMARY, OTHER]);
        const imapRows = moved.filter((r) => r.username === PRIMARY && r.service === 'imap');
        const latestImap = imapRows.reduce((a, b) => (b.last_logon > a.last_logon ? b : a));
        const pop3Row = find(moved, PRIMARY, 'pop3', '127.0.0.6');
        assert.ok(pop3Row !== undefined);
        assert.deepEqual(found.get(PRIMARY), {
          pop3: { time: new Date(pop3Row.last_logon * 1000), clientAddress: '127.0.0.6' },
          imap: { time: new Date(latestImap.last_logon * 1000), clientAddress: latestImap.client_address },
        });
        assert.equal(found.has(OTHER), false);
      } finally {
        await source?.close();
      }
    });

    test('prune-lastlogons deletes the old logins while Dovecot records new ones, and Dovecot goes on recording', async () => {
      // An old login, written the way casctl's own writers do: closed before a reader, so it
      // leaves the WAL files that the dict, in a directory it may not write, could not create again.
      const db = new Database(logins);
      const reader = new Database(logins, { readonly: true });
      reader.pragma('schema_version');
      db.prepare('INSERT INTO last_logon VALUES (?, ?, ?, ?)').run(OTHER, 'imap', '127.0.0.9', seconds() - 400 * 86_400);
      db.close();
      reader.close();
      const [pruned, login] = await Promise.all([
        casctl(['prune-lastlogons', '--store', store, '-o', 'json']),
        imapLogin(dovecot.imapPort, PRIMARY, PASSWORD, { localAddress: '127.0.0.10' }),
      ]);
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.equal((JSON.parse(pruned.stdout) as { Deleted: number }).Deleted, 1);
      assert.ok(login.ok);
      await rowOnce((r) => find(r, PRIMARY, 'imap', '127.0.0.10') !== undefined, 'the login during the prune recorded');
      assert.ok((await pop3Login(dovecot.pop3Port, PRIMARY, PASSWORD, undefined, '127.0.0.11')).ok);
      await rowOnce((r) => find(r, PRIMARY, 'pop3', '127.0.0.11') !== undefined, 'a login after the prune recorded');
      assert.equal(rows().filter((r) => r.username === OTHER).length, 0);
    });
  });
}
