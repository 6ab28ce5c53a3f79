/**
 * Two mail servers record logins in one shared SQL database, an LDAP store beside it: a real
 * slapd holds the directory, a real PostgreSQL (then MariaDB) the logins, and a Dovecot 2.3 and
 * a Dovecot 2.4, each with the files `get-dovecotconfig --last-logons --write` writes for its
 * version, write them as Dovecot's own account. Real IMAP and POP3 logins update the right
 * protocol's row; the same user, protocol and client address on both servers is one row, the
 * later login winning (Dovecot's ON CONFLICT / ON DUPLICATE KEY upsert); casctl reads them back.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandContext } from '../../src/cli/context.js';
import { openLastLogons } from '../../src/cli/last-logons.js';
import type { MailboxLastLogons } from '../../src/core/last-logons.js';
import { casctl, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { rootAccount } from '../helpers/debian13-root.js';
import { dovecotSkipReason, startDovecot, type Dovecot, type DovecotVersion } from '../helpers/dovecot.js';
import { NO_TERMINAL } from '../helpers/fake-terminal.js';
import { LAST_LOGON_ENGINES, type LastLogonServer } from '../helpers/last-logon-servers.js';
import { imapLogin, pop3Login } from '../helpers/mail-login.js';
import { slapdSkipReason } from '../helpers/slapd.js';

const PASSWORD = 'Tailspin!2026';
const RAND = 'rand.zaher@tailspintoys.com';
const JACK = 'jack.weber@tailspintoys.com';
const CHRIS = 'chris.green@tailspintoys.com';

interface Row {
  username: string;
  service: string;
  client_address: string;
  last_logon: number;
}

const seconds = (): number => Math.floor(Date.now() / 1000);
const VERSIONS: readonly DovecotVersion[] = ['2.3', '2.4'];

for (const engine of LAST_LOGON_ENGINES) {
  const section = engine.name === 'PostgreSQL' ? 'postgres' : 'mysql';
  describe(`an LDAP store, its logins in a ${engine.name} two Dovecots share`, { skip: slapdSkipReason() || engine.skip || dovecotSkipReason('2.3') || dovecotSkipReason('2.4') }, () => {
    let server: LastLogonServer;
    let logins: string;
    let store: string;
    let dir: string;
    let config: string;
    let statements: () => string;
    const env: NodeJS.ProcessEnv = {};
    const dovecots = new Map<DovecotVersion, Dovecot>();
    const written = new Map<DovecotVersion, CliResult>();
    const dovecot = (version: DovecotVersion): Dovecot => dovecots.get(version) as Dovecot;

    const rows = async (): Promise<Row[]> =>
      ((await server.asAdmin(logins, "SELECT username, service, client_address, last_logon FROM last_logon WHERE username <> '' ORDER BY username, service, client_address")) as Row[]).map((r) => ({
        ...r,
        last_logon: Number(r.last_logon),
      }));
    const find = (all: Row[], user: string, service: string, address: string): Row | undefined =>
      all.find((r) => r.username === user && r.service === service && r.client_address === address);
    /** The dict writes after the login's reply: wait for the rows to show it. */
    const rowsOnce = async (check: (rows: Row[]) => boolean, what: string): Promise<Row[]> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const now = await rows();
        if (check(now)) return now;
        await sleep(100);
      }
      assert.fail(`${what}; rows: ${JSON.stringify(await rows())}\n--- 2.3\n${dovecot('2.3').log()}\n--- 2.4\n${dovecot('2.4').log()}`);
    };
    /** What casctl reads, as a command opens it: the configuration's "lastLogons". */
    const casctlReads = async (users: string[]): Promise<Map<string, MailboxLastLogons>> => {
      const context: CommandContext = {
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        env: { CASCTL_STORE: store },
        cwd: dir,
        now: () => new Date(),
        argv: [],
        actor: { osUser: 'casadmin', sudoUser: null, host: 'admin1.example.org' },
        terminal: NO_TERMINAL,
      };
      const source = await openLastLogons(context, { config });
      assert.ok(source !== null);
      try {
        return await source.lastLogons(users);
      } finally {
        await source.close();
      }
    };

    before(async () => {
      server = await engine.start();
      logins = await server.database();
      store = await sampleStore('ldap');
      dir = tempDir();
      writeFileSync(join(dir, 'casctl-sql.secret'), `${server.password}\n`, { mode: 0o600 });
      writeFileSync(join(dir, 'dovecot-sql.secret'), `${server.dovecotPassword}\n`, { mode: 0o600 });
      config = join(dir, 'casctl.config.json');
      writeFileSync(config, JSON.stringify({ lastLogons: { url: logins }, [section]: { passwordFile: 'casctl-sql.secret' } }), { mode: 0o600 });
      Object.assign(env, { CASCTL_CONFIG: config, CASCTL_DOVECOT_SQL_USER: 'dovecot', CASCTL_DOVECOT_SQL_PASSWORD_FILE: join(dir, 'dovecot-sql.secret') });
      for (const version of VERSIONS) {
        // The 2.4 root's accounts are not this machine's: its dict runs as the root's dovecot.
        const dictUser = version === '2.4' ? String(rootAccount('dovecot').uid) : 'dovecot';
        const result = await casctl(['get-dovecotconfig', '--write', join(dir, version), '--dovecot-version', version, '--last-logons', '--dict-user', dictUser], { store, env, cwd: dir });
        assert.equal(result.code, 0, result.stderr);
        written.set(version, result);
        // What the warning asks of the admin on MariaDB, where an account is user@host.
        for (const grant of result.stderr.split('\n').flatMap((line) => /(GRANT .*);$/.exec(line)?.[1] ?? [])) await server.asAdmin(logins, grant.replace("@'%'", "@'127.0.0.1'"));
      }
      // What the warning asks for: 2.3's dict reads its map file through the configuration's directory (mkdtemp's 0700).
      assert.match(written.get('2.3')?.stderr ?? '', /cannot reach .*chmod o\+x/);
      chmodSync(dir, 0o711);
      statements = await server.logStatements();
      for (const version of VERSIONS) {
        dovecots.set(version, await startDovecot({ version, authInclude: join(dir, version, 'casctl-auth.conf'), extraConfig: `!include ${join(dir, version, 'casctl-last-logons.conf')}\n` }));
      }
    });
    after(async () => {
      for (const running of dovecots.values()) await running.stop();
      await server?.stop();
    });

    test("--write creates the table once in the shared database and lets Dovecot's account write it; the files hold Dovecot's password, never casctl's", async () => {
      assert.match(written.get('2.3')?.stderr ?? '', /Created the table last_logon in /);
      assert.doesNotMatch(written.get('2.4')?.stderr ?? '', /Created the table/, 'the second mail server finds it there');
      if (engine.name === 'PostgreSQL') assert.match(written.get('2.3')?.stderr ?? '', /Let dovecot record logins: SELECT, INSERT and UPDATE on last_logon/);
      else assert.match(written.get('2.3')?.stderr ?? '', /until an admin runs .*GRANT SELECT, INSERT, UPDATE ON `[^`]+`\.last_logon TO 'dovecot'@'%';/);
      const map = join(dir, '2.3', 'casctl-last-logons-dict.conf.ext');
      const files = [map, join(dir, '2.3', 'casctl-last-logons.conf'), join(dir, '2.4', 'casctl-last-logons.conf')].map((path) => readFileSync(path, 'utf8'));
      assert.ok(files.every((text) => !text.includes(server.password)), "casctl's password is in no file");
      assert.match(files[0] ?? '', new RegExp(`^connect = host=127\\.0\\.0\\.1 port=${server.port} dbname=\\S+ user=dovecot password=${server.dovecotPassword}$`, 'm'));
      assert.match(files[2] ?? '', new RegExp(`sql_driver = ${engine.name === 'PostgreSQL' ? 'pgsql' : 'mysql'}\\n`));
      assert.equal(statSync(map).mode & 0o777, 0o640);
      for (const result of written.values()) assert.doesNotMatch(result.stdout + result.stderr, new RegExp(`${server.password}|${server.dovecotPassword}`));
      assert.deepEqual(await rows(), []);
    });

    test("IMAP and POP3 on either mail server each update their own protocol's row, and casctl reads them", async () => {
      const start = seconds();
      assert.ok((await imapLogin(dovecot('2.3').imapPort, RAND, PASSWORD, { localAddress: '127.0.0.5' })).ok, dovecot('2.3').log());
      assert.ok((await pop3Login(dovecot('2.4').pop3Port, RAND, PASSWORD, undefined, '127.0.0.6')).ok, dovecot('2.4').log());
      assert.ok((await pop3Login(dovecot('2.3').pop3Port, CHRIS, PASSWORD, undefined, '127.0.0.7')).ok, dovecot('2.3').log());
      const all = await rowsOnce((r) => r.length === 3, 'IMAP and POP3 rows from 2.3, a POP3 row from 2.4');
      const end = seconds();
      const imap = find(all, RAND, 'imap', '127.0.0.5');
      const pop3 = find(all, RAND, 'pop3', '127.0.0.6');
      const chris = find(all, CHRIS, 'pop3', '127.0.0.7');
      assert.ok(imap !== undefined && pop3 !== undefined && chris !== undefined, JSON.stringify(all));
      for (const row of [imap, pop3, chris]) assert.ok(row.last_logon >= start && row.last_logon <= end, `${row.last_logon} within ${start}..${end}`);
      const read = await casctlReads(['Rand.Zaher@tailspintoys.com', CHRIS, JACK]);
      assert.deepEqual(Object.fromEntries(read), {
        'Rand.Zaher@tailspintoys.com': {
          imap: { time: new Date(imap.last_logon * 1000), clientAddress: '127.0.0.5' },
          pop3: { time: new Date(pop3.last_logon * 1000), clientAddress: '127.0.0.6' },
        },
        [CHRIS]: { pop3: { time: new Date(chris.last_logon * 1000), clientAddress: '127.0.0.7' } },
      });
    });

    test('the same user, protocol and client address on both servers is one row: the later login wins, by the upsert', async () => {
      assert.ok((await imapLogin(dovecot('2.4').imapPort, JACK, PASSWORD, { localAddress: '127.0.0.9' })).ok, dovecot('2.4').log());
      const first = find(await rowsOnce((r) => find(r, JACK, 'imap', '127.0.0.9') !== undefined, 'the first IMAP login'), JACK, 'imap', '127.0.0.9');
      assert.ok(first !== undefined);
      // last_login_precision = s: the next second, on the other server.
      await sleep(Math.max(0, (first.last_logon + 1) * 1000 - Date.now() + 50));
      assert.ok((await imapLogin(dovecot('2.3').imapPort, JACK, PASSWORD, { localAddress: '127.0.0.9' })).ok, dovecot('2.3').log());
      const moved = await rowsOnce((r) => (find(r, JACK, 'imap', '127.0.0.9')?.last_logon ?? 0) > first.last_logon, 'the time moved forward');
      assert.equal(moved.filter((r) => r.username === JACK).length, 1, 'one row, updated in place');
      const upsert = engine.name === 'PostgreSQL' ? /INSERT INTO last_logon \(.*\) VALUES \(.*\) ON CONFLICT \(.*\) DO UPDATE SET last_logon/ : /INSERT INTO last_logon \(.*\) VALUES \(.*\) ON DUPLICATE KEY UPDATE last_logon/;
      assert.match(statements(), upsert);
      for (const version of VERSIONS) assert.doesNotMatch(dovecot(version).log(), /dict.*(error|failed)|Error:.*(dict|sql)/i, `${version}: no write failed`);
      const read = await casctlReads([JACK]);
      assert.equal(read.get(JACK)?.imap?.time.getTime(), (find(moved, JACK, 'imap', '127.0.0.9')?.last_logon ?? 0) * 1000);
    });
  });
}
