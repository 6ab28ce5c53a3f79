import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { mysqlDriver } from '../../../src/store/mysql/driver.js';
import { tempDir } from '../../helpers/cli.js';

const request = { url: 'mysql://casctl@db.example.com/casctl', cwd: '/srv/casctl', directory: '/etc/dovecot', reason: false, webmailNetworks: [], section: undefined, env: {} } as const;

test('Dovecot 2.3: the mysql driver on the store\'s server with its lookup account; a login compares the folded twins', async () => {
  const files = await mysqlDriver.dovecotConfig({ ...request, version: '2.3' });
  const sql = files.get('casctl-sql.conf.ext') ?? '';
  assert.match(sql, /^driver = mysql\nconnect = host=db\.example\.com port=3306 dbname=casctl user=casctl$/m);
  assert.match(sql, /^# the password of casctl: casctl writes it only when given CASCTL_DOVECOT_SQL_PASSWORD_FILE/m);
  assert.match(sql, /WHERE address_folded = '%u' UNION ALL SELECT id FROM mailboxes WHERE user_principal_name_folded = '%u' LIMIT 1/);
  assert.match(files.get('casctl-auth.conf') ?? '', /args = \/etc\/dovecot\/casctl-sql\.conf\.ext/);
});

test('Dovecot 2.4: a mysql block; the lookup account and its password only when given through the environment', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'dovecot.secret'), 'Lookup-Pa55\n', { mode: 0o600 });
  const env = { CASCTL_DOVECOT_SQL_USER: 'dovecot', CASCTL_DOVECOT_SQL_PASSWORD_FILE: join(dir, 'dovecot.secret') };
  const auth = (await mysqlDriver.dovecotConfig({ ...request, version: '2.4', env })).get('casctl-auth.conf') ?? '';
  assert.match(auth, /^sql_driver = mysql\nmysql db\.example\.com \{\n {2}port = 3306\n {2}dbname = casctl\n {2}user = dovecot\n {2}password = Lookup-Pa55\n\}$/m);
  assert.match(auth, /address_folded = '%\{user\}'/);
  const spaced = { CASCTL_DOVECOT_SQL_PASSWORD: 'two words' };
  await assert.rejects(mysqlDriver.dovecotConfig({ ...request, version: '2.3', env: spaced }), (e: unknown) => e instanceof UsageError && /holds a space/.test(e.message) && !e.message.includes('two words'));
});
