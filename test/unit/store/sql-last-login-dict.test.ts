import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { driverFor } from '../../../src/store/drivers.js';
import { lastLoginFiles, LAST_LOGONS_CONF, type LastLoginDictConnection } from '../../../src/store/sql/last-login-dict.js';

const dir = mkdtempSync(join(tmpdir(), 'casctl-sql-dict-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'dovecot.secret'), "dove cot's\n", { mode: 0o600 });
writeFileSync(join(dir, 'mysql.secret'), 'dovecot-secret\n', { mode: 0o600 });

/** Dovecot's SQL dict connection get-dovecotconfig --last-logons writes for a database URL, with the command's environment. */
async function dictConnection(url: string, env: Record<string, string>): Promise<LastLoginDictConnection> {
  const logons = (await driverFor(url)).lastLogons;
  assert.ok(logons !== undefined);
  return logons.dictConnection(url, { cwd: dir, env, section: undefined });
}

const files = (version: '2.3' | '2.4', connection: LastLoginDictConnection): Map<string, string> =>
  lastLoginFiles({ version, directory: '/etc/dovecot', connection, mailUser: 'vmail', webmailNetworks: [] }).files;

test("PostgreSQL: Dovecot's own account and password (libpq-quoted) in 2.3's map file and 2.4's pgsql block; casctl's password never", async () => {
  const env = { CASCTL_SQL_PASSWORD: 'casctl-secret', CASCTL_DOVECOT_SQL_USER: 'dovecot', CASCTL_DOVECOT_SQL_PASSWORD_FILE: 'dovecot.secret' };
  const connection = await dictConnection('postgres://casctl@db.example.com:5433/logins', env);
  const map = files('2.3', connection).get('casctl-last-logons-dict.conf.ext') ?? '';
  assert.match(map, /^connect = host=db\.example\.com port=5433 dbname=logins user=dovecot password='dove cot\\'s'$/m);
  assert.match(files('2.3', connection).get(LAST_LOGONS_CONF) ?? '', /casctl_last_login = pgsql:\/etc\/dovecot\/casctl-last-logons-dict\.conf\.ext/);
  const conf24 = files('2.4', connection).get(LAST_LOGONS_CONF) ?? '';
  assert.ok(
    conf24.includes(
      ['    driver = sql', '    sql_driver = pgsql', '    pgsql db.example.com {', '      parameters {', '        port = 5433', '        dbname = logins', '        user = dovecot', '        password = dove cot\'s', '      }', '    }', '    dict_map '].join('\n'),
    ),
    conf24,
  );
  for (const text of [map, conf24]) assert.doesNotMatch(text, /casctl-secret/);
});

test('without a password for Dovecot, the files say where it goes, and the account defaults to the URL\'s user', async () => {
  const connection = await dictConnection('postgres://casctl@db.example.com/logins', { CASCTL_SQL_PASSWORD: 'casctl-secret' });
  const map = files('2.3', connection).get('casctl-last-logons-dict.conf.ext') ?? '';
  assert.match(map, /# the password of casctl: casctl writes it only when given CASCTL_DOVECOT_SQL_PASSWORD_FILE \(add password=\.\.\. to connect\)\nconnect = host=db\.example\.com port=5432 dbname=logins user=casctl$/m);
  assert.match(files('2.4', connection).get(LAST_LOGONS_CONF) ?? '', / {8}user = casctl\n {8}# the password of casctl: .*\n {8}# password = \.\.\.\n/);
  assert.doesNotMatch(map + (files('2.4', connection).get(LAST_LOGONS_CONF) ?? ''), /casctl-secret/);
});

test('MariaDB/MySQL: the mysql driver, its settings directly in 2.4\'s block', async () => {
  const connection = await dictConnection('mariadb://casctl@10.0.0.5/mail', { CASCTL_DOVECOT_SQL_USER: 'dovecot', CASCTL_DOVECOT_SQL_PASSWORD_FILE: 'mysql.secret' });
  assert.match(files('2.3', connection).get('casctl-last-logons-dict.conf.ext') ?? '', /^connect = host=10\.0\.0\.5 port=3306 dbname=mail user=dovecot password=dovecot-secret$/m);
  assert.match(files('2.3', connection).get(LAST_LOGONS_CONF) ?? '', /casctl_last_login = mysql:/);
  const conf24 = files('2.4', connection).get(LAST_LOGONS_CONF) ?? '';
  assert.ok(conf24.includes(['    sql_driver = mysql', '    mysql 10.0.0.5 {', '      port = 3306', '      dbname = mail', '      user = dovecot', '      password = dovecot-secret', '    }'].join('\n')), conf24);
});

test('a password Dovecot\'s MySQL settings cannot hold is refused without being repeated', async () => {
  writeFileSync(join(dir, 'bad.secret'), 'has space\n', { mode: 0o600 });
  await assert.rejects(dictConnection('mysql://casctl@db/mail', { CASCTL_DOVECOT_SQL_PASSWORD_FILE: 'bad.secret' }), (error: Error) => {
    assert.match(error.message, /holds a space/);
    assert.doesNotMatch(error.message, /has space/);
    return true;
  });
});
