/**
 * casctl manages an iRedMail-shaped SQL directory in place through the `iredmail` profile, on a
 * real MariaDB and a real PostgreSQL: init beside the admin's tables, reads, bulk sets (OU,
 * -Filter, --file, identities), history and undo, audits; every write changes nothing but the
 * mapped switch columns (each row and column of the admin's tables compared before and after);
 * a profile naming a column the database lacks is refused at open.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { everyUser } from '../helpers/iredmail-directory.js';
import { IMAP_COLUMNS, POP3_COLUMNS, dumpDifferences, dumpIredmailSql, seedIredmailSql, type Engine, type Exec } from '../helpers/iredmail-sql.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { postgresSkipReason, startPostgres, type Postgres } from '../helpers/postgres.js';

type Dump = Awaited<ReturnType<typeof dumpIredmailSql>>;

/** A database of the engine: its store URL, the credentials casctl reads, a way to run SQL as its owner, and the teardown. */
interface Database {
  url: string;
  env: NodeJS.ProcessEnv;
  exec: Exec;
  /** Another empty database, with its own exec. */
  another(): Promise<{ url: string; exec: Exec }>;
  stop(): Promise<void>;
}

/** A Database over a started server: `open` makes a new database and what runs SQL in it (an owner's connection, ended at stop). */
async function database(open: () => Promise<{ url: string; exec: Exec; end: () => Promise<void> }>, env: NodeJS.ProcessEnv, stopServer: () => Promise<void>): Promise<Database> {
  const ends: (() => Promise<void>)[] = [];
  const another = async (): Promise<{ url: string; exec: Exec }> => {
    const { url, exec, end } = await open();
    ends.push(end);
    return { url, exec };
  };
  const first = await another();
  return {
    ...first,
    env,
    another,
    async stop() {
      for (const end of ends) await end().catch(() => undefined);
      await stopServer();
    },
  };
}

async function mariadbDatabase(): Promise<Database> {
  const server: MariaDb = await startMariaDb();
  return database(
    async () => {
      const url = await server.createDatabase();
      const connection = await server.connect(new URL(url).pathname.slice(1), 'admin');
      const exec: Exec = async (sql, values = []) => {
        const [rows] = await connection.query(sql, values as unknown[]);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      };
      return { url, exec, end: () => connection.end() };
    },
    server.env(),
    () => server.stop(),
  );
}

async function postgresDatabase(): Promise<Database> {
  const server: Postgres = await startPostgres();
  return database(
    async () => {
      const url = await server.createDatabase();
      const client = await server.client(new URL(url).pathname.slice(1), 'casctl');
      return { url, exec: async (sql, values = []) => (await client.query(sql, values as unknown[])).rows as Record<string, unknown>[], end: () => client.end() };
    },
    server.env(),
    () => server.stop(),
  );
}

const ENGINES: [Engine, () => Promise<Database>, string | false][] = [
  ['mariadb', mariadbDatabase, mariaDbSkipReason()],
  ['postgres', postgresDatabase, postgresSkipReason()],
];

/** The lines dumpDifferences gives when these mailboxes' columns went from `from` to its opposite. */
const switched = (addresses: readonly string[], columns: readonly string[], from: 0 | 1 = 1): string[] =>
  addresses.flatMap((a) => columns.map((c) => `mailbox ${a} ${c}: ${from} -> ${1 - from}`)).sort();

for (const [engine, start, skip] of ENGINES) {
  describe(`the iredmail profile on an iRedMail-shaped ${engine} database`, { skip }, () => {
    let db: Database;
    let pristine: Dump;
    const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => casctl(args, { env: { ...db.env, CASCTL_STORE: db.url, ...extra } });
    const ok = async (args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
      const result = await run(args, extra);
      assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}`);
      return result;
    };
    const addresses = async (args: readonly string[]): Promise<string[]> =>
      json<{ PrimarySmtpAddress: string }[]>(await ok(['get-casmailbox', ...args, '-o', 'json'])).map((m) => m.PrimarySmtpAddress).sort();
    const dump = (): Promise<Dump> => dumpIredmailSql(db.exec, engine);

    before(async () => {
      db = await start();
      await seedIredmailSql(engine, db.exec);
      pristine = await dump();
    });
    after(async () => {
      await db?.stop();
    });

    test('without the profile the database is not casctl\'s; init --profile iredmail adds only casctl_ tables, and later commands need no option', async () => {
      const refused = await run(['get-casmailbox']);
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, /not a casctl store \(it has tables: alias, domain, forwardings, mailbox/);
      assert.match(refused.stderr, /existing iredmail directory: manage it in place with 'casctl init --store \S+ --profile iredmail'/);
      const init = await ok(['init', '--profile', 'iredmail']);
      assert.match(init.stderr, /through the profile 'iredmail'/);
      assert.deepEqual(dumpDifferences(pristine, await dump()), []);
      await ok(['init', '--profile', 'iredmail']);
      const tables = await db.exec(
        engine === 'mariadb'
          ? 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1'
          : 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
      );
      const names = tables.map((r) => String(r.t ?? r.T ?? Object.values(r)[0]));
      assert.deepEqual(names.filter((n) => !n.startsWith('casctl_')), ['alias', 'domain', 'forwardings', 'mailbox']);
      assert.ok(names.includes('casctl_change_records') && names.includes('casctl_profile'), names.join(' '));
      assert.equal((await addresses([])).length, everyUser().length);
    });

    test('reads: OUs per domain, aliases as identities and EmailAddresses, Unicode names, partial sets read disabled, OWA follows IMAP4', async () => {
      const units = json<{ Name: string; DistinguishedName: string }[]>(await ok(['get-organizationalunit', '-o', 'json']));
      assert.deepEqual(units.map((u) => u.Name).sort(), ['example.com', 'mail.example.org', 'xn--bcher-kva.example']);
      assert.ok(units.some((u) => u.DistinguishedName === 'DC=mail,DC=example,DC=org'));
      assert.deepEqual(await addresses(['--organizational-unit', 'mail.example.org']), ['carol@mail.example.org', 'wang.wei@mail.example.org']);
      const [alice] = json<Record<string, unknown>[]>(await ok(['get-mailbox', 'wonderland@example.com', '-o', 'json']));
      assert.equal(alice?.DisplayName, 'Alice Liddell');
      assert.equal(alice?.Alias, 'alice');
      assert.deepEqual(alice?.EmailAddresses, ['SMTP:alice@example.com', 'smtp:a.liddell@example.com', 'smtp:wonderland@example.com']);
      assert.equal(alice?.OrganizationalUnit, 'example.com');
      assert.equal(alice?.WhenCreated, '2024-03-05T06:07:08.000Z');
      assert.match(String(alice?.Guid), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.deepEqual(await addresses([String(alice?.Guid)]), ['alice@example.com'], 'by its Guid');
      assert.deepEqual(await addresses(['--filter', "DisplayName -eq '王伟'"]), ['wang.wei@mail.example.org']);
      assert.deepEqual(await addresses(['--filter', "EmailAddresses -eq 'JUERGEN.gross@example.com'"]), ['jurgen@example.com']);
      assert.deepEqual(await addresses(['--filter', "EmailAddresses -like 'wei@*'"]), ['wang.wei@mail.example.org']);
      assert.deepEqual(await addresses(['first+tag@example.com', "bob.o'neil@example.com"]), ["bob.o'neil@example.com", 'first+tag@example.com']);
      assert.deepEqual(await addresses(['--filter', 'PopEnabled -eq $false']), ['partial@example.com'], 'enablepop3 without pop3secured and pop3tls reads disabled');
      assert.deepEqual(await addresses(['*@xn--bcher-kva.example']), ['leser@xn--bcher-kva.example']);
      const [wang] = json<Record<string, unknown>[]>(await ok(['get-casmailbox', 'wei@mail.example.org', '-o', 'json']));
      assert.equal(wang?.OWAEnabled, wang?.ImapEnabled);
      assert.equal(wang?.SmtpClientAuthenticationDisabled, false);
      const [postmaster] = json<Record<string, unknown>[]>(await ok(['get-casmailbox', 'postmaster@example.com', '-o', 'json']));
      assert.equal(postmaster?.PopEnabled, true, "iRedAdmin's isglobaladmin is no Administrator marker");
    });

    test('a bulk set by OU, by -Filter, by --file and by identity changes only the mapped switch columns; undo restores every column', async () => {
      const start = await dump();
      const example = everyUser().filter((u) => u.mail.endsWith('@example.com') && u.mail !== 'partial@example.com').map((u) => u.mail);
      await ok(['set-casmailbox', '--organizational-unit', 'example.com', '--pop-enabled', 'false', '--yes']);
      assert.deepEqual(dumpDifferences(start, await dump()), switched(example, POP3_COLUMNS));

      const file = join(tempDir(), 'ids.txt');
      writeFileSync(file, '\ufeff# aliases\r\nwei@mail.example.org\r\nCAROL@mail.example.org\r\n');
      const middle = await dump();
      await ok(['set-casmailbox', '--file', file, '--imap-enabled', 'false', '--yes']);
      await ok(['set-casmailbox', '--filter', "DisplayName -eq 'Bücherwurm'", '--imap-enabled', 'false', '--yes']);
      await ok(['set-casmailbox', 'partial@example.com', '--pop-enabled', 'true']);
      const expected = [
        ...switched(['wang.wei@mail.example.org', 'carol@mail.example.org', 'leser@xn--bcher-kva.example'], IMAP_COLUMNS),
        // Enabling completes the set: the columns that were 0 become 1, the one that was 1 stays.
        ...switched(['partial@example.com'], ['enablepop3secured', 'enablepop3tls'], 0),
      ].sort();
      assert.deepEqual(dumpDifferences(middle, await dump()), expected);
      assert.deepEqual(await addresses(['--filter', 'ImapEnabled -eq $false -and OWAEnabled -eq $false']), ['carol@mail.example.org', 'leser@xn--bcher-kva.example', 'wang.wei@mail.example.org']);

      const history = json<{ Id: number; Changes: { PrimarySmtpAddress: string }[] }[]>(await ok(['get-changelog', '-o', 'json']));
      assert.equal(history.length, 4);
      assert.ok(history[0]?.Changes.some((c) => c.PrimarySmtpAddress === 'alice@example.com'));
      for (const { Id } of [...history].sort((a, b) => b.Id - a.Id)) await ok(['undo', String(Id), '--yes']);
      // Every column of every row as before, but partial@'s enablepop3: undo sets its POP3 back
      // to disabled, all three columns 0. History records settings, not columns.
      assert.deepEqual(dumpDifferences(pristine, await dump()), ['mailbox partial@example.com enablepop3: 1 -> 0']);
      await db.exec(engine === 'mariadb' ? "UPDATE mailbox SET enablepop3 = 1 WHERE username = 'partial@example.com'" : "UPDATE mailbox SET enablepop3 = 1 WHERE username = 'partial@example.com'");
    });

    test('SMTP AUTH and ManageSieve move their whole sets, and nothing else', async () => {
      const start = await dump();
      await ok(['set-casmailbox', 'carol@mail.example.org', '--smtp-client-authentication-disabled', 'true', '--manage-sieve-enabled', 'false']);
      const columns = ['enablesmtp', 'enablesmtpsecured', 'enablesieve', 'enablesievesecured', 'enablemanagesieve', 'enablemanagesievesecured'];
      assert.deepEqual(dumpDifferences(start, await dump()), switched(['carol@mail.example.org'], columns));
      const [id] = json<{ Id: number }[]>(await ok(['get-changelog', '-o', 'json'])).map((r) => r.Id).sort((a, b) => b - a);
      await ok(['undo', String(id), '--yes']);
      assert.deepEqual(dumpDifferences(start, await dump()), []);
    });

    test('what the profile has no place for is a clear error before anything is written: OWA, $null SMTP AUTH, the organisation default, import, get-dovecotconfig', async () => {
      const start = await dump();
      const owa = await run(['set-casmailbox', 'alice@example.com', '--owa-enabled', 'false']);
      assert.equal(owa.code, 2);
      assert.match(owa.stderr, /The SQL profile 'iredmail' has no switch of its own for OWA \(OWAEnabled\): it reads as IMAP4 \(ImapEnabled\)/);
      const nullSmtp = await run(['set-casmailbox', 'alice@example.com', '--smtp-client-authentication-disabled', '$null']);
      assert.equal(nullSmtp.code, 2);
      assert.match(nullSmtp.stderr, /cannot follow the organisation default/);
      const transport = await run(['set-transportconfig', '--smtp-client-authentication-disabled', 'true', '--yes']);
      assert.equal(transport.code, 2);
      assert.match(transport.stderr, /no mailbox follows an organisation default/);
      const csv = join(tempDir(), 'new.csv');
      writeFileSync(csv, 'Name,PrimarySmtpAddress,OrganizationalUnit\nnew,new@example.com,example.com\n');
      const imported = await run(['import', csv]);
      assert.equal(imported.code, 2, imported.stderr);
      assert.match(imported.stderr, /changes only their switch columns/);
      const dovecot = await run(['get-dovecotconfig', '--dovecot-version', '2.3']);
      assert.equal(dovecot.code, 2);
      assert.match(dovecot.stderr, /the deployment's own Dovecot queries read the switches casctl sets/);
      assert.deepEqual(dumpDifferences(start, await dump()), []);
    });

    test('read-only: --read-only refuses a change (a --what-if works) and audits', async () => {
      const start = await dump();
      const refused = await run(['--read-only', 'set-casmailbox', 'alice@example.com', '--pop-enabled', 'false']);
      assert.equal(refused.code, 2);
      const whatIf = await run(['--read-only', 'set-casmailbox', 'alice@example.com', '--pop-enabled', 'false', '--what-if']);
      assert.equal(whatIf.code, 0, whatIf.stderr);
      const policy = join(tempDir(), 'policy.yml');
      writeFileSync(policy, 'rules:\n  - name: No POP3 in mail.example.org\n    organizationalUnit: mail.example.org\n    expect: { PopEnabled: false }\n');
      const audit = await run(['--read-only', 'audit', policy, '-o', 'json']);
      assert.equal(audit.code, 5, audit.stderr);
      assert.match(audit.stdout, /wang\.wei@mail\.example\.org/);
      assert.deepEqual(dumpDifferences(start, await dump()), []);
    });

    test('a mapping naming a missing column or table is refused at open, naming each; another profile than the recorded one too', async () => {
      const other = await db.another();
      await seedIredmailSql(engine, other.exec);
      await other.exec(engine === 'mariadb' ? 'ALTER TABLE mailbox DROP COLUMN enablepop3tls' : 'ALTER TABLE mailbox DROP COLUMN enablepop3tls');
      await other.exec('DROP TABLE forwardings');
      const missing = await casctl(['init', '--profile', 'iredmail'], { env: { ...db.env, CASCTL_STORE: other.url } });
      assert.equal(missing.code, 3, missing.stderr);
      assert.match(missing.stderr, /The SQL profile 'iredmail' names what the database of \S+ does not have: column mailbox\.enablepop3tls \(PopEnabled\), table forwardings/);
      const config = join(tempDir(), 'casctl.config.json');
      const profile = {
        name: 'acme',
        mailboxes: { table: 'mailbox', key: 'username', password: 'password', whenCreated: 'created', whenChanged: 'modified', columns: { Name: 'username', PrimarySmtpAddress: 'username', OrganizationalUnit: 'domain' } },
        switches: { pop3: ['enablepop3'], imap: ['enableimap'], owa: { follows: 'imap' }, smtp: ['enablesmtp'], sieve: ['enablesieve'] },
        organizationalUnits: { table: 'domain', name: 'domain' },
      };
      writeFileSync(config, JSON.stringify({ [engine === 'mariadb' ? 'mysql' : 'postgres']: { profile } }));
      const recorded = await run(['get-casmailbox'], { CASCTL_CONFIG: config });
      assert.equal(recorded.code, 3);
      assert.match(recorded.stderr, /was set up with the SQL profile 'iredmail'.*'acme'/);
      const generic = await casctl(['init'], { env: { ...db.env, CASCTL_STORE: other.url, CASCTL_CONFIG: config } });
      assert.equal(generic.code, 0, generic.stderr);
      const read = json<{ PrimarySmtpAddress: string; EmailAddresses: string[] }[]>(await casctl(['get-mailbox', 'alice@example.com', '-o', 'json'], { env: { ...db.env, CASCTL_STORE: other.url, CASCTL_CONFIG: config } }));
      assert.deepEqual(read.map((m) => m.EmailAddresses), [['SMTP:alice@example.com']], 'a generic profile without addresses: the primary one alone');
    });
  });
}
