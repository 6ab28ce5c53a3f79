import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastLoginFiles, LAST_LOGONS_CONF, type LastLoginDictConnection } from '../../../src/store/sql/last-login-dict.js';
import { sqliteDictConnection } from '../../../src/store/sqlite/last-logons-file.js';

const sqlite: LastLoginDictConnection = sqliteDictConnection('sqlite:/var/lib/casctl/directory.last-logons.db', '/');

test('Dovecot 2.3: the plugin for imap and pop3 only, the %s/%u/%r key, a proxied sqlite dict and its map onto last_logon', () => {
  const { files, readByDict } = lastLoginFiles({ version: '2.3', directory: '/etc/dovecot/casctl/', connection: sqlite, mailUser: 'vmail' });
  assert.deepEqual([...files.keys()], [LAST_LOGONS_CONF, 'casctl-last-logons-dict.conf.ext']);
  assert.deepEqual(readByDict, ['casctl-last-logons-dict.conf.ext']);
  const conf = files.get(LAST_LOGONS_CONF) ?? '';
  const settings = conf.split('\n').filter((line) => !line.startsWith('#') && line !== '');
  assert.deepEqual(settings, [
    'protocol pop3 {',
    '  mail_plugins = $mail_plugins last_login',
    '}',
    'protocol imap {',
    '  mail_plugins = $mail_plugins last_login',
    '}',
    'plugin {',
    '  last_login_dict = proxy:casctl-last-login:casctl_last_login',
    '  last_login_key = last-login/%s/%u/%r',
    '  last_login_precision = s',
    '}',
    'dict {',
    '  casctl_last_login = sqlite:/etc/dovecot/casctl/casctl-last-logons-dict.conf.ext',
    '}',
    'service dict {',
    '  unix_listener casctl-last-login {',
    '    mode = 0600',
    '    user = vmail',
    '  }',
    '}',
  ]);
  assert.doesNotMatch(conf, /lmtp \{|lda \{|doveadm \{/);
  assert.match(conf, /!include \/etc\/dovecot\/casctl\/casctl-last-logons\.conf/);
  const map = (files.get('casctl-last-logons-dict.conf.ext') ?? '').split('\n').filter((line) => !line.startsWith('#') && line !== '');
  assert.deepEqual(map, [
    'connect = /var/lib/casctl/directory.last-logons.db',
    'map {',
    '  pattern = shared/last-login/$service/$user/$remote_ip',
    '  table = last_logon',
    '  value_field = last_logon',
    '  value_type = uint',
    '  fields {',
    '    username = $user',
    '    service = $service',
    '    client_address = $remote_ip',
    '  }',
    '}',
  ]);
});

test('Dovecot 2.4: mail_plugins per protocol, the %{protocol}/%{user}/%{remote_ip} key, dict_server with its dict_map', () => {
  const { files, readByDict } = lastLoginFiles({ version: '2.4', directory: '/etc/dovecot/casctl', connection: sqlite, mailUser: 'mail' });
  assert.deepEqual([...files.keys()], [LAST_LOGONS_CONF]);
  assert.deepEqual(readByDict, []);
  const settings = (files.get(LAST_LOGONS_CONF) ?? '').split('\n').filter((line) => !line.startsWith('#') && line !== '');
  assert.deepEqual(settings, [
    'protocol pop3 {',
    '  mail_plugins {',
    '    last_login = yes',
    '  }',
    '}',
    'protocol imap {',
    '  mail_plugins {',
    '    last_login = yes',
    '  }',
    '}',
    'last_login {',
    '  dict proxy {',
    '    name = casctl_last_login',
    '    socket_path = casctl-last-login',
    '  }',
    '  last_login_key = last-login/%{protocol}/%{user}/%{remote_ip}',
    '  last_login_precision = s',
    '}',
    'dict_server {',
    '  dict casctl_last_login {',
    '    driver = sql',
    '    sql_driver = sqlite',
    '    sqlite_path = /var/lib/casctl/directory.last-logons.db',
    '    sqlite_journal_mode = wal',
    '    dict_map shared/last-login/$service/$user/$remote_ip {',
    '      sql_table = last_logon',
    '      value_field last_logon {',
    '        type = uint',
    '      }',
    '      key_field username {',
    '        value = $user',
    '      }',
    '      key_field service {',
    '        value = $service',
    '      }',
    '      key_field client_address {',
    '        value = $remote_ip',
    '      }',
    '    }',
    '  }',
    '}',
    'service dict {',
    '  unix_listener casctl-last-login {',
    '    mode = 0600',
    '    user = mail',
    '  }',
    '}',
  ]);
});

test('another engine is a connection of its own: its lines, nothing else changes', () => {
  const pgsql: LastLoginDictConnection = {
    engine: 'PostgreSQL',
    driver23: 'pgsql',
    connection23: ['connect = host=db.example.com dbname=casctl'],
    connection24: ['sql_driver = pgsql', 'pgsql db.example.com {', '  dbname = casctl', '}'],
  };
  const v23 = lastLoginFiles({ version: '2.3', directory: '/etc/dovecot', connection: pgsql, mailUser: 'vmail' }).files;
  assert.match(v23.get(LAST_LOGONS_CONF) ?? '', /casctl_last_login = pgsql:\/etc\/dovecot\/casctl-last-logons-dict\.conf\.ext/);
  assert.match(v23.get('casctl-last-logons-dict.conf.ext') ?? '', /^connect = host=db\.example\.com dbname=casctl$/m);
  const v24 = lastLoginFiles({ version: '2.4', directory: '/etc/dovecot', connection: pgsql, mailUser: 'vmail' }).files.get(LAST_LOGONS_CONF) ?? '';
  assert.ok(v24.includes(['    driver = sql', '    sql_driver = pgsql', '    pgsql db.example.com {', '      dbname = casctl', '    }', '    dict_map '].join('\n')), v24);
});

test('a directory or mail user Dovecot would read otherwise than written is refused', () => {
  assert.throws(() => lastLoginFiles({ version: '2.4', directory: '/etc/dove#cot', connection: sqlite, mailUser: 'vmail' }), /holds "#"/);
  assert.throws(() => lastLoginFiles({ version: '2.3', directory: '/etc/dovecot', connection: sqlite, mailUser: 'v mail\n' }), /mail user/);
  assert.throws(() => sqliteDictConnection('sqlite:/var/lib/{x}.db', '/'), /holds "\{"/);
});
