import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';
import { lastLoginFiles, LAST_LOGONS_CONF, type LastLoginDictConnection } from '../../../src/store/sql/last-login-dict.js';
import { sqliteDictConnection } from '../../../src/store/sqlite/last-logons-file.js';

const sqlite: LastLoginDictConnection = sqliteDictConnection('sqlite:/var/lib/casctl/directory.last-logons.db', '/');

test('Dovecot 2.3: the plugin for imap and pop3 only, the %s/%u/%r key, a proxied sqlite dict and its map onto last_logon', () => {
  const { files, readByDict } = lastLoginFiles({ version: '2.3', directory: '/etc/dovecot/casctl/', connection: sqlite, mailUser: 'vmail', webmailNetworks: [] });
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
  const { files, readByDict } = lastLoginFiles({ version: '2.4', directory: '/etc/dovecot/casctl', connection: sqlite, mailUser: 'mail', webmailNetworks: [] });
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

const network = (text: string): IpNetwork => {
  const parsed = parseNetwork(text);
  assert.ok('network' in parsed, text);
  return parsed.network;
};
const WEBMAIL = [network('127.0.0.2'), network('2001:db8::/32')];
/** The lines after the default key's block and before the dict's: what the webmail networks add. */
function webmailLines(version: '2.3' | '2.4', networks: readonly IpNetwork[]): string[] {
  const conf = lastLoginFiles({ version, directory: '/etc/dovecot', connection: sqlite, mailUser: 'vmail', webmailNetworks: networks }).files.get(LAST_LOGONS_CONF) ?? '';
  const lines = conf.split('\n');
  const start = lines.indexOf('  last_login_precision = s') + 2;
  return lines.slice(start, lines.indexOf(version === '2.3' ? 'dict {' : 'dict_server {'));
}

test('without webmail networks, every IMAP login is recorded as imap, and the file says why LastOwaLogonTime stays empty', () => {
  for (const version of ['2.3', '2.4'] as const) {
    const lines = webmailLines(version, []);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] ?? '', /^# LastOwaLogonTime stays empty: no webmail networks are configured, so the webmail's logins count as imap/);
  }
});

/** Each version's block that sets the key, as the webmail filters hold it. */
const WEBMAIL_KEY = {
  '2.3': ['plugin {', '  last_login_key = last-login/owa/%u/%r', '}'],
  '2.4': ['last_login {', '  last_login_key = last-login/owa/%{user}/%{remote_ip}', '}'],
} as const;

for (const version of ['2.3', '2.4'] as const) {
  test(`Dovecot ${version}: the IMAP logins from each webmail network are recorded as owa, by a remote filter per network`, () => {
    const lines = webmailLines(version, WEBMAIL);
    const comments = lines.filter((line) => line.startsWith('#'));
    assert.match(comments[0] ?? '', /^# imap logins from the webmail networks are recorded as owa \(LastOwaLogonTime\)/);
    assert.match(comments.join('\n'), /login_trusted_networks that forwards .* recorded as imap, though OWAEnabled decides them by the real one/s);
    const filter = (network: string): string[] => [`remote ${network} {`, '  protocol imap {', ...WEBMAIL_KEY[version].map((line) => `    ${line}`), '  }', '}'];
    assert.deepEqual(lines.slice(comments.length), [...filter('127.0.0.2/32'), ...filter('2001:db8::/32')]);
  });
}

test('webmail networks change nothing else: the plugin still loads for imap and pop3 once each, and the map is the same', () => {
  for (const version of ['2.3', '2.4'] as const) {
    const plain = lastLoginFiles({ version, directory: '/etc/dovecot', connection: sqlite, mailUser: 'vmail', webmailNetworks: [] }).files;
    const webmail = lastLoginFiles({ version, directory: '/etc/dovecot', connection: sqlite, mailUser: 'vmail', webmailNetworks: WEBMAIL }).files;
    const conf = webmail.get(LAST_LOGONS_CONF) ?? '';
    assert.deepEqual(conf.match(/^protocol \w+ \{$/gm), ['protocol pop3 {', 'protocol imap {'], conf);
    const outside = (text: string): string[] => text.split('\n').filter((line) => !line.startsWith('#') && !line.startsWith(' ') && line !== '}');
    assert.deepEqual(outside(conf).filter((line) => !line.startsWith('remote ')), outside(plain.get(LAST_LOGONS_CONF) ?? ''));
    for (const [name, content] of plain) if (name !== LAST_LOGONS_CONF) assert.equal(webmail.get(name), content, name);
  }
});

test('another engine is a connection of its own: its lines, nothing else changes', () => {
  const pgsql: LastLoginDictConnection = {
    engine: 'PostgreSQL',
    driver23: 'pgsql',
    connection23: ['connect = host=db.example.com dbname=casctl'],
    connection24: ['sql_driver = pgsql', 'pgsql db.example.com {', '  dbname = casctl', '}'],
  };
  const v23 = lastLoginFiles({ version: '2.3', directory: '/etc/dovecot', connection: pgsql, mailUser: 'vmail', webmailNetworks: [] }).files;
  assert.match(v23.get(LAST_LOGONS_CONF) ?? '', /casctl_last_login = pgsql:\/etc\/dovecot\/casctl-last-logons-dict\.conf\.ext/);
  assert.match(v23.get('casctl-last-logons-dict.conf.ext') ?? '', /^connect = host=db\.example\.com dbname=casctl$/m);
  const v24 = lastLoginFiles({ version: '2.4', directory: '/etc/dovecot', connection: pgsql, mailUser: 'vmail', webmailNetworks: [] }).files.get(LAST_LOGONS_CONF) ?? '';
  assert.ok(v24.includes(['    driver = sql', '    sql_driver = pgsql', '    pgsql db.example.com {', '      dbname = casctl', '    }', '    dict_map '].join('\n')), v24);
});

test('a directory or mail user Dovecot would read otherwise than written is refused', () => {
  assert.throws(() => lastLoginFiles({ version: '2.4', directory: '/etc/dove#cot', connection: sqlite, mailUser: 'vmail', webmailNetworks: [] }), /holds "#"/);
  assert.throws(() => lastLoginFiles({ version: '2.3', directory: '/etc/dovecot', connection: sqlite, mailUser: 'v mail\n', webmailNetworks: [] }), /mail user/);
  assert.throws(() => sqliteDictConnection('sqlite:/var/lib/{x}.db', '/'), /holds "\{"/);
});
