/**
 * Dovecot 2.3 and 2.4 enforce a MySQL store (a real MariaDB) through the configuration
 * `casctl get-dovecotconfig` writes for it, reading with a SELECT-only account of its own, and
 * casctl refreshes them as on SQLite: a warm auth cache is flushed for every name of a changed mailbox.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { testSampleEnforcement } from '../helpers/enforcement-checks.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb } from '../helpers/mariadb.js';

const ACCENT_PASSWORD = 'Umlaut-Pa55';

for (const version of DOVECOT_VERSIONS) {
  // Each of the two query shapes (refusing by a missing row, or by nologin with a reason) on one version.
  const reason = version === '2.3';
  describe(`Dovecot ${version} enforces a MariaDB store${reason ? ' (--reason)' : ''}`, { skip: mariaDbSkipReason() || dovecotSkipReason(version) }, () => {
    let mariadb: MariaDb;
    let dovecot: Dovecot;
    let env: NodeJS.ProcessEnv;
    const run = (args: string[]): Promise<CliResult> => casctl(args, { env });

    before(async () => {
      mariadb = await startMariaDb();
      const dir = tempDir();
      const config = join(dir, 'casctl.config.json');
      writeFileSync(config, '{}');
      env = { CASCTL_STORE: await mariadb.createDatabase(), CASCTL_CONFIG: config, ...mariadb.env('service') };
      const init = await run(['init', '--sample']);
      assert.equal(init.code, 0, init.stderr);
      // Dovecot reads with the SELECT-only account, its password given through a file.
      const secret = join(dir, 'dovecot-sql.secret');
      writeFileSync(secret, `${mariadb.accounts.reader.password}\n`, { mode: 0o600 });
      const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version, ...(reason ? ['--reason'] : [])], {
        env: { ...env, CASCTL_DOVECOT_SQL_USER: mariadb.accounts.reader.user, CASCTL_DOVECOT_SQL_PASSWORD_FILE: secret },
      });
      assert.equal(written.code, 0, written.stderr);
      // Any character in a login, as a deployment with addresses beyond ASCII sets it (the default allows ASCII only).
      dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf'), extraConfig: 'auth_username_chars =' });
      writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    });
    after(async () => {
      await dovecot?.stop();
      await mariadb?.stop();
    });

    test('get-dovecotconfig names the mysql driver, the server and the lookup account, never casctl\'s password', async () => {
      const shown = await casctl(['get-dovecotconfig', '--dovecot-version', version], { env });
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, version === '2.3' ? /driver = mysql\nconnect = host=127\.0\.0\.1 port=\d+ dbname=casctl_1 user=casctl\n/ : /sql_driver = mysql\nmysql 127\.0\.0\.1 \{\n {2}port = \d+\n {2}dbname = casctl_1\n {2}user = casctl\n/);
      assert.match(shown.stdout, /casctl writes it only when given CASCTL_DOVECOT_SQL_PASSWORD_FILE/);
      assert.ok(!shown.stdout.includes(mariadb.accounts.service.password));
      assert.match(shown.stdout, /address_folded = '/);
    });

    test('a login beyond ASCII finds its mailbox, and only it: Dovecot\'s connection and the folded keys agree on UTF-8', async () => {
      const csv = join(tempDir(), 'accents.csv');
      writeFileSync(
        csv,
        ['Name,PrimarySmtpAddress,OrganizationalUnit,Password', `Jürgen Weiß,jürgen.weiß@tailspintoys.com,tailspintoys.com/Accents,{PLAIN}${ACCENT_PASSWORD}`, 'Jurgen Weiss,jurgen.weiß@tailspintoys.com,tailspintoys.com/Accents,{PLAIN}other-password', ''].join('\n'),
      );
      const imported = await run(['import', csv]);
      assert.equal(imported.code, 0, imported.stderr);
      const login = (user: string, password: string): boolean => dovecot.doveadm(['auth', 'test', user, password]).code === 0;
      assert.ok(login('Jürgen.Weiß@TailspinToys.com', ACCENT_PASSWORD), dovecot.log().slice(-1500));
      assert.equal(login('jurgen.weiß@tailspintoys.com', ACCENT_PASSWORD), false, 'the address without the umlaut is another mailbox');
      assert.ok(login('jurgen.weiß@tailspintoys.com', 'other-password'));
    });

    testSampleEnforcement(version, () => ({ dovecot, run }), { reason });
  });
}
