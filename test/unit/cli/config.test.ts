import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, readStoreUrl } from '../../../src/cli/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';

function configFile(content: unknown): { dir: string; path: string } {
  const dir = tempDir();
  const path = join(dir, 'casctl.config.json');
  writeFileSync(path, JSON.stringify(content), { mode: 0o600 });
  return { dir, path };
}

test('keys besides "store", "services", "timeZone" and "dovecot" are the store drivers\' sections; any other is refused, listing them', async () => {
  const { path } = configFile({ store: 'x.db', sqlite: {}, LDAP: {} });
  await assert.rejects(
    loadConfig({ configOption: path, env: {}, cwd: '/' }),
    (e: unknown) => e instanceof ConfigError && e.message === `The configuration file '${path}': unknown keys "sqlite", "LDAP"; known: "store", "readStore", "services", "timeZone", "dovecot", "lastLogons", "ldap", "postgres", "mysql".`,
  );
});

test('"timeZone": UTC, local or an IANA zone name; anything else (another type, a typo, an unknown zone) is refused', async () => {
  const zones: [unknown, unknown][] = [
    ['UTC', { kind: 'utc' }],
    ['local', { kind: 'zone', name: undefined }],
    ['Europe/Berlin', { kind: 'zone', name: 'Europe/Berlin' }],
  ];
  for (const [timeZone, expected] of zones) {
    const { path } = configFile({ timeZone });
    assert.deepEqual((await loadConfig({ configOption: path, env: {}, cwd: '/' })).timeZone, expected);
  }
  assert.equal((await loadConfig({ configOption: configFile({}).path, env: {}, cwd: '/' })).timeZone, undefined, 'absent: UTC, by the command');
  for (const bad of ['Mars/Olympus', 'localtime', '', 1, true, null, ['local']]) {
    const { path } = configFile({ timeZone: bad });
    await assert.rejects(
      loadConfig({ configOption: path, env: {}, cwd: '/' }),
      (e: unknown) => e instanceof ConfigError && e.message === `The configuration file '${path}': "timeZone" must be "UTC", "local" (the machine's zone; TZ is respected) or an IANA zone name such as "Europe/Berlin", not ${JSON.stringify(bad)}.`,
      String(bad),
    );
  }
  const { path } = configFile({ TimeZone: 'local' });
  await assert.rejects(loadConfig({ configOption: path, env: {}, cwd: '/' }), /unknown key "TimeZone"; known: "store", "readStore", "services", "timeZone", "dovecot", "lastLogons", "ldap", "postgres", "mysql"\./);
});

test('the store the file names is resolved by its driver: a relative SQLite path against the file, an LDAP or unknown URL as written', async () => {
  const cases: [string, (dir: string) => string][] = [
    ['casctl.db', (dir) => `sqlite:${join(dir, 'casctl.db')}`],
    ['sqlite:data/casctl.db', (dir) => `sqlite:${join(dir, 'data', 'casctl.db')}`],
    ['ldap://h/dc=x,dc=y', () => 'ldap://h/dc=x,dc=y'],
    ['postgres://h/casctl', () => 'postgres://h/casctl'],
  ];
  for (const [store, expected] of cases) {
    const { dir, path } = configFile({ store });
    const config = await loadConfig({ configOption: path, env: {}, cwd: '/' });
    assert.equal(config.store, expected(dir), store);
    assert.deepEqual(config.sections, {});
  }
});

test('"readStore" names a replica of "store", read from only while the store is the file\'s', async () => {
  const { path } = configFile({ store: 'ldap://provider:389/dc=x,dc=y', readStore: 'ldap://127.0.0.1:389/dc=x,dc=y' });
  const config = await loadConfig({ configOption: path, env: {}, cwd: '/' });
  assert.equal(readStoreUrl(undefined, config, {}), 'ldap://127.0.0.1:389/dc=x,dc=y');
  assert.equal(readStoreUrl('ldap://other/dc=x,dc=y', config, {}), undefined, 'another store is not read through this replica');
  assert.equal(readStoreUrl(undefined, config, { CASCTL_READ_STORE: 'ldap://mx2/dc=x,dc=y' }), 'ldap://mx2/dc=x,dc=y');
  for (const bad of [{ store: 'ldap://p/dc=x', readStore: 7 }, { readStore: 'ldap://r/dc=x' }]) {
    await assert.rejects(loadConfig({ configOption: configFile(bad).path, env: {}, cwd: '/' }), (e: unknown) => e instanceof ConfigError && /"readStore"/.test(e.message));
  }
});
