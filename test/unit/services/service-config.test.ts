import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyServer } from '../../helpers/service-setup.js';
import { ConfigError } from '../../../src/core/errors.js';
import { byConfiguration, readServiceSetup } from '../../../src/services/service-config.js';
import { SERVICES } from '../../../src/services/services.js';

const PATH = '/etc/casctl/config.json';

test('the dovecot preset runs doveadm through its argv prefix, and kill and dovecot --version beside it', () => {
  const local = readServiceSetup({ preset: 'dovecot', config: '/etc/dovecot/dovecot.conf' }, PATH);
  assert.deepEqual(onlyServer(local).commands.get('MSExchangeIMAP4'), {
    restart: ['doveadm', '-c', '/etc/dovecot/dovecot.conf', 'reload'],
    status: ['doveadm', '-c', '/etc/dovecot/dovecot.conf', 'service', 'status'],
    flush: ['doveadm', '-c', '/etc/dovecot/dovecot.conf', 'auth', 'cache', 'flush', '--', '{users}'],
    kick: null,
    who: ['doveadm', '-c', '/etc/dovecot/dovecot.conf', '-f', 'tab', 'who', '-1'],
    kill: ['kill', '-TERM', '{pids}'],
  });
  assert.deepEqual(onlyServer(local).version, ['dovecot', '--version']);

  const container = readServiceSetup({ preset: 'systemd', doveadm: ['docker', 'exec', 'mail', 'doveadm'] }, PATH);
  const pop3 = onlyServer(container).commands.get('MSExchangePOP3');
  assert.deepEqual(pop3?.status, ['systemctl', 'is-active', '--quiet', 'dovecot']);
  assert.deepEqual(pop3?.flush, ['docker', 'exec', 'mail', 'doveadm', 'auth', 'cache', 'flush', '--', '{users}']);
  assert.deepEqual(pop3?.kill, ['docker', 'exec', 'mail', 'kill', '-TERM', '{pids}']);
  assert.deepEqual(onlyServer(container).version, ['docker', 'exec', 'mail', 'dovecot', '--version']);

  const chroot = readServiceSetup({ preset: 'dovecot', doveadm: ['chroot', '/srv/d13', '/usr/bin/doveadm'] }, PATH);
  assert.deepEqual(onlyServer(chroot).commands.get('MSExchangeIMAP4BE')?.kill, ['chroot', '/srv/d13', 'kill', '-TERM', '{pids}']);

  // A wrapper casctl cannot see into: sessions end per mailbox through doveadm kick.
  const wrapped = readServiceSetup({ preset: 'dovecot', doveadm: ['/usr/local/bin/mail1-admin'] }, PATH);
  assert.deepEqual(onlyServer(wrapped).commands.get('MSExchangeIMAP4')?.kick, ['/usr/local/bin/mail1-admin', 'kick', '--', '{user}']);
  assert.equal(onlyServer(wrapped).commands.get('MSExchangeIMAP4')?.who, null);
  assert.equal(onlyServer(wrapped).version, null);
});

test('bad services sections are located config errors (exit 3)', () => {
  const cases: [unknown, RegExp][] = [
    [{ preset: 'dovecot', doveadm: 'doveadm' }, /"services"\."doveadm" must be a non-empty array of strings .*not "doveadm"/],
    [{ preset: 'dovecot', doveadm: [] }, /"services"\."doveadm" must be a non-empty array/],
    [{ preset: 'dovecot', doveadm: ['', 'x'] }, /"services"\."doveadm" must be a non-empty array/],
    [{ doveadm: ['doveadm'] }, /"doveadm" belongs to a preset/],
    [{ preset: 'dovecot', docker: true }, /unknown key "docker"; known: preset, config, unit, doveadm, commands, timeoutSeconds, servers, replicaWaitSeconds/],
    [{ commands: Object.fromEntries(['MSExchangePOP3', 'MSExchangePOP3BE', 'MSExchangeIMAP4', 'MSExchangeIMAP4BE'].map((n) => [n, { restart: ['r'], status: ['s'], who: ['w'] }])) }, /"who" and "kill" go together/],
    [{ preset: 'dovecot', commands: { MSExchangePOP3: { who: ['w'], kill: ['kill'] } } }, /kill must have a "\{pids\}" argument/],
  ];
  for (const [section, message] of cases) {
    assert.throws(() => readServiceSetup(section, PATH), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, new RegExp(`^The configuration file '${PATH}': "services"`));
      assert.match(error.message, message);
      return true;
    });
  }
});

test('an own kick command replaces session ending by who and kill', () => {
  const setup = readServiceSetup({ preset: 'dovecot', commands: { MSExchangeIMAP4: { kick: ['ssh', 'mail1', 'doveadm', 'kick', '{user}'] } } }, PATH);
  const imap = onlyServer(setup).commands.get('MSExchangeIMAP4');
  assert.deepEqual([imap?.kick?.[0], imap?.who, imap?.kill], ['ssh', null, null]);
  assert.notEqual(onlyServer(setup).commands.get('MSExchangePOP3')?.who, null, 'the other services keep the preset');
});

test('without a preset, a service left out of "commands" is not configured; one given only some commands is an error', () => {
  const four = ['MSExchangePOP3', 'MSExchangePOP3BE', 'MSExchangeIMAP4', 'MSExchangeIMAP4BE'];
  const setup = readServiceSetup({ commands: Object.fromEntries(four.map((n) => [n, { restart: ['r', n], status: ['s', n] }])) }, PATH);
  const { configured, unconfigured } = byConfiguration(setup, onlyServer(setup), SERVICES);
  assert.deepEqual(configured.map((c) => c.service.Name), four);
  assert.deepEqual(configured[0]?.commands.restart, ['r', 'MSExchangePOP3']);
  assert.deepEqual(unconfigured.map((u) => u.service.Name), SERVICES.filter((s) => !four.includes(s.Name)).map((s) => s.Name));
  assert.match(unconfigured[0]?.how ?? '', /^add "services"\."commands"\."MSExchangeOWAAppPool" with "restart" and "status" to the configuration file '\/etc\/casctl\/config\.json', or set "services"\."preset"$/);
  const preset = readServiceSetup({ preset: 'dovecot' }, PATH);
  assert.equal(byConfiguration(preset, onlyServer(preset), SERVICES).unconfigured.length, 0, 'a preset configures every service');

  const partial = { commands: { MSExchangePOP3: { restart: ['r'] } } };
  assert.throws(() => readServiceSetup(partial, PATH), (error: unknown) => error instanceof ConfigError && /MSExchangePOP3 has no status command/.test(error.message));
  assert.throws(() => readServiceSetup({ commands: {} }, PATH), (error: unknown) => error instanceof ConfigError && /no service is configured/.test(error.message));
});
