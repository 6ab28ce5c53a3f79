import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { detectDovecotVersion } from '../../../src/dovecot/detect-version.js';
import { sqlAuthFiles } from '../../../src/store/sqlite/sql-auth-config.js';
import { parseVersionOption, versionOf } from '../../../src/dovecot/version.js';

test('versions as dovecot --version prints them, and --dovecot-version', () => {
  assert.equal(versionOf('2.3.19.1 (9b53102964)'), '2.3');
  assert.equal(versionOf('2.4.1-4 (7d8c0e5759)\n'), '2.4');
  assert.equal(versionOf('2.2.36 (1f10bfa63)'), null);
  assert.equal(versionOf('3.0.0'), null);
  assert.equal(versionOf('dovecot: not found'), null);
  assert.equal(parseVersionOption('2.3'), '2.3');
  assert.equal(parseVersionOption('2.4.1'), '2.4');
  assert.throws(() => parseVersionOption('2.2'), (e: unknown) => e instanceof UsageError && /takes 2\.3 or 2\.4, not '2\.2'/.test(e.message));
});

test('detection asks the configured command, and says so when it falls back to 2.4', async () => {
  const found = await detectDovecotVersion([process.execPath, '-e', "console.log('2.3.19.1 (9b53102964)')"]);
  assert.equal(found.version, '2.3');
  assert.match(found.how, /says 2\.3\.19\.1/);
  const missing = await detectDovecotVersion(['/nonexistent/dovecot', '--version']);
  assert.equal(missing.version, '2.4');
  assert.match(missing.how, /'\/nonexistent\/dovecot --version' could not run .*; assuming 2\.4/);
  const failing = await detectDovecotVersion([process.execPath, '-e', 'process.exit(3)']);
  assert.match(failing.how, /failed with exit code 3; assuming 2\.4/);
});

test('the SQL passdb: one file in 2.4, two in 2.3, the variables of each, no rule for other protocols, no doubled response code', () => {
  const v24 = sqlAuthFiles({ version: '2.4', databasePath: '/var/lib/casctl/directory.db', directory: '/etc/dovecot/casctl/', reason: true });
  assert.deepEqual([...v24.keys()], ['casctl-auth.conf']);
  const text = v24.get('casctl-auth.conf') ?? '';
  for (const line of ['sql_driver = sqlite', 'sqlite_path = /var/lib/casctl/directory.db', 'passdb sql {', 'userdb sql {', 'auth_username_format = %{user | lower}']) {
    assert.ok(text.split('\n').includes(line), line);
  }
  assert.doesNotMatch(text, /%[usLc]\b|%Lu/, 'no 2.3 variables');
  assert.match(text, /CASE '%\{protocol\}' WHEN 'pop3' THEN m\.pop_enabled AND NOT m\.is_administrator WHEN 'imap' THEN m\.imap_enabled AND NOT m\.is_administrator WHEN /);
  // ManageSieve: its column, and the Administrator too.
  assert.match(text, /WHEN 'sieve' THEN m\.manage_sieve_enabled (WHEN|ELSE) /);
  // The comment follows the registry: it names the managed protocols, and lists none of them as unmanaged.
  assert.match(text, /^# POP3, IMAP4.* and ManageSieve log in only while enabled for the mailbox, POP3 and IMAP4 never as the Administrator;$/m);
  assert.match(text, /^# other protocols \((\w+, )*lmtp, doveadm\) get no rule/m);
  assert.doesNotMatch(text, /^# other protocols \([^)]*\bsieve\b/m);
  assert.match(text, /WHEN 'smtp' THEN m\.smtp_enabled WHEN 'submission' THEN m\.smtp_enabled WHEN /);
  // Postfix takes an OK with nologin for a success: under --reason its service is still refused by the missing row.
  assert.match(text, /AND m\.password IS NOT NULL AND \(CASE '%\{protocol\}' WHEN 'smtp' THEN m\.smtp_enabled ELSE 1 END\) = 1\n/);
  assert.match(text, /'%\{protocol\} access is disabled for this mailbox'/);
  assert.doesNotMatch(text, /CONTACTADMIN/, 'Dovecot adds the response code itself');

  const v23 = sqlAuthFiles({ version: '2.3', databasePath: '/db', directory: '/etc/dovecot/casctl', reason: false });
  assert.doesNotMatch(v23.get('casctl-sql.conf.ext') ?? '', /WHEN 'smtp' THEN m\.smtp_enabled ELSE 1 END/, 'without --reason the one allowed expression covers smtp');
  assert.deepEqual([...v23.keys()], ['casctl-auth.conf', 'casctl-sql.conf.ext']);
  assert.match(v23.get('casctl-auth.conf') ?? '', /args = \/etc\/dovecot\/casctl\/casctl-sql\.conf\.ext/);
  const sql = v23.get('casctl-sql.conf.ext') ?? '';
  assert.match(sql, /address = '%u' UNION ALL SELECT id FROM mailboxes WHERE user_principal_name = '%u'/);
  assert.match(sql, /CASE '%s' WHEN 'pop3'/);
  assert.doesNotMatch(sql, /%\{/);
});
