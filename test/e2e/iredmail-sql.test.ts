/**
 * The deployment's own Dovecot enforces what casctl sets through the iredmail profile on SQL:
 * Dovecot 2.3 and 2.4 read an iRedMail-shaped MariaDB or PostgreSQL database with iRedMail-style
 * SQL passdb and userdb queries (`enable%Ls%Lc = 1`, `enable%{protocol | lower}%{secured | lower} = 1`),
 * written here as a deployment has them, not by casctl's get-dovecotconfig, with a read-only
 * account of their own; casctl changes the switch columns and its --restart (or refresh-service)
 * flushes Dovecot's cache, and real POP3 and IMAP logins are refused and re-admitted.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot, type DovecotVersion } from '../helpers/dovecot.js';
import { IREDMAIL_PASSWORD } from '../helpers/iredmail-directory.js';
import { seedIredmailSql, type Engine, type Exec } from '../helpers/iredmail-sql.js';
import { imapLogin, pop3Login } from '../helpers/mail-login.js';
import { mariaDbSkipReason, startMariaDb } from '../helpers/mariadb.js';
import { postgresSkipReason, startPostgres } from '../helpers/postgres.js';

/** A seeded iRedMail database: casctl's URL and credentials, and how Dovecot's read-only account reaches it. */
interface Deployment {
  url: string;
  env: NodeJS.ProcessEnv;
  /** Dovecot's driver name and connection settings (port, dbname, user, password). */
  driver: 'mysql' | 'pgsql';
  connection: { port: number; dbname: string; user: string; password: string };
  stop(): Promise<void>;
}

async function mariadbDeployment(): Promise<Deployment> {
  const server = await startMariaDb();
  const url = await server.createDatabase();
  const dbname = new URL(url).pathname.slice(1);
  const connection = await server.connect(dbname, 'admin');
  const exec: Exec = async (sql, values = []) => {
    const [rows] = await connection.query(sql, values as unknown[]);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  };
  await seedIredmailSql('mariadb', exec);
  await connection.end();
  const { user, password } = server.accounts.reader;
  return { url, env: server.env(), driver: 'mysql', connection: { port: server.port, dbname, user, password }, stop: () => server.stop() };
}

async function postgresDeployment(): Promise<Deployment> {
  const server = await startPostgres();
  const url = await server.createDatabase();
  const dbname = new URL(url).pathname.slice(1);
  const client = await server.client(dbname, 'casctl');
  await seedIredmailSql('postgres', async (sql, values = []) => (await client.query(sql, values as unknown[])).rows as Record<string, unknown>[]);
  await client.end();
  await server.grantReader(dbname, 'dovecot');
  return { url, env: server.env(), driver: 'pgsql', connection: { port: server.port, dbname, user: 'dovecot', password: server.passwords.dovecot }, stop: () => server.stop() };
}

/** iRedMail's query shape: an active mailbox of an active domain with the switch column of the service and its variant set. */
function passwordQuery(user: string, service: string): string {
  return `SELECT mailbox.username AS user, mailbox.password AS password FROM mailbox, domain WHERE mailbox.username = '${user}' AND mailbox.active = 1 AND mailbox.enable${service} = 1 AND domain.domain = mailbox.domain AND domain.active = 1`;
}

function deploymentConfig(version: DovecotVersion, dir: string, d: Deployment): string {
  const { port, dbname, user, password } = d.connection;
  if (version === '2.4') {
    const service = '%{protocol | lower}%{secured | lower}';
    const settings = [`port = ${port}`, `dbname = ${dbname}`, `user = ${user}`, `password = ${password}`];
    // pgsql takes libpq's connection parameters in a block of their own.
    const connection = d.driver === 'pgsql' ? ['  parameters {', ...settings.map((s) => `    ${s}`), '  }'] : settings.map((s) => `  ${s}`);
    return `auth_username_format = %{user | lower}
sql_driver = ${d.driver}
${d.driver} 127.0.0.1 {
${connection.join('\n')}
}
passdb sql {
  query = ${passwordQuery('%{user}', service)}
}
userdb sql {
  query = SELECT username AS user FROM mailbox WHERE username = '%{user}' AND active = 1
  iterate_query = SELECT username AS user FROM mailbox
}
`;
  }
  const ext = join(dir, 'dovecot-sql.conf.ext');
  writeFileSync(ext, `driver = ${d.driver}
connect = host=127.0.0.1 port=${port} dbname=${dbname} user=${user} password=${password}
default_pass_scheme = SSHA512
password_query = ${passwordQuery('%u', '%Ls%Lc')}
user_query = SELECT username AS user FROM mailbox WHERE username = '%u' AND active = 1
iterate_query = SELECT username AS user FROM mailbox
`);
  return `auth_username_format = %Lu
passdb {
  driver = sql
  args = ${ext}
}
userdb {
  driver = sql
  args = ${ext}
}
`;
}

const ENGINES: [Engine, () => Promise<Deployment>, string | false][] = [
  ['mariadb', mariadbDeployment, mariaDbSkipReason()],
  ['postgres', postgresDeployment, postgresSkipReason()],
];

for (const [engine, deploy, engineSkip] of ENGINES) {
  for (const version of DOVECOT_VERSIONS) {
    describe(`Dovecot ${version} with iRedMail-style SQL queries on ${engine} enforces casctl's changes through the iredmail profile`, { skip: engineSkip || dovecotSkipReason(version) }, () => {
      let deployment: Deployment;
      let dovecot: Dovecot;
      let config: string;
      const run = async (args: readonly string[]): Promise<CliResult> => {
        const result = await casctl(args, { env: { ...deployment.env, CASCTL_STORE: deployment.url, CASCTL_CONFIG: config } });
        assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}\n${dovecot?.log() ?? ''}`);
        return result;
      };
      const imap = async (user: string, password = IREDMAIL_PASSWORD): Promise<boolean> => (await imapLogin(dovecot.imapPort, user, password)).ok;
      const pop3 = async (user: string): Promise<boolean> => (await pop3Login(dovecot.pop3Port, user, IREDMAIL_PASSWORD)).ok;

      before(async () => {
        deployment = await deploy();
        const dir = tempDir();
        config = join(dir, 'casctl.config.json');
        writeFileSync(config, '{}');
        await run(['init', '--profile', 'iredmail']);
        const include = join(dir, 'auth-iredmail.conf');
        writeFileSync(include, deploymentConfig(version, dir, deployment));
        dovecot = await startDovecot({ version, authInclude: include, extraConfig: 'auth_username_chars =' });
        writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
      });
      after(async () => {
        await dovecot?.stop();
        await deployment?.stop();
      });

      test("the deployment's queries admit an active mailbox, and refuse a wrong password, an inactive mailbox and a partial POP3 set", async () => {
        for (const name of ['alice@example.com', 'Alice@Example.com', 'wang.wei@mail.example.org']) assert.ok(await imap(name), `${name}\n${dovecot.log()}`);
        assert.ok(await pop3('carol@mail.example.org'));
        assert.equal(await imap('alice@example.com', 'wrong'), false);
        assert.equal(await imap('gone@example.com'), false, 'active = 0');
        // From Dovecot's own address a login counts as secured: enablepop3secured, which partial@ lacks.
        assert.equal(await pop3('partial@example.com'), false);
      });

      test('set-casmailbox --restart: POP3 refused, IMAP4 kept; re-enabled, admitted again; a partial set made whole admits', async () => {
        const user = 'alice@example.com';
        assert.ok(await pop3(user));
        const off = await run(['set-casmailbox', user, '--pop-enabled', 'false', '--restart']);
        assert.match(off.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE: 1 mailboxes/);
        assert.equal(await pop3(user), false, dovecot.log().slice(-2000));
        assert.ok(await imap(user));
        await run(['set-casmailbox', user, '--pop-enabled', 'true', '--restart']);
        assert.ok(await pop3(user), 'the negative entry was flushed');
        await run(['set-casmailbox', 'partial@example.com', '--pop-enabled', 'true', '--restart']);
        assert.ok(await pop3('partial@example.com'));
      });

      test('a bulk change of a domain is cached until refresh-service, then every login of it is refused; undo --restart re-admits them', async () => {
        const domain = ['wang.wei@mail.example.org', 'carol@mail.example.org'];
        for (const user of domain) assert.ok(await imap(user));
        await run(['set-casmailbox', '--organizational-unit', 'mail.example.org', '--imap-enabled', 'false', '--yes']);
        assert.ok(await imap('wang.wei@mail.example.org'), "Dovecot's cache still holds the old answer");
        await run(['refresh-service']);
        for (const user of domain) assert.equal(await imap(user), false, user);
        assert.ok(await pop3('carol@mail.example.org'), 'POP3 untouched');
        assert.ok(await imap('alice@example.com'), 'another domain untouched');
        const [latest] = json<{ Id: number }[]>(await run(['get-changelog', '-o', 'json'])).map((r) => r.Id).sort((a, b) => b - a);
        await run(['undo', String(latest), '--yes', '--restart']);
        for (const user of domain) assert.ok(await imap(user), user);
      });
    });
  }
}
