import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { StoreError } from '../../../src/core/errors.js';
import { allDrivers, driverFor, findDriver, STORE_DRIVERS } from '../../../src/store/drivers.js';
import { openStore } from '../../../src/store/open-store.js';
import { ROOT, tempDir } from '../../helpers/cli.js';

test('a URL scheme names its driver; a plain path (POSIX or Windows) is a SQLite file', async () => {
  const cases: [string, string][] = [
    ['sqlite:/var/lib/casctl/directory.db', 'sqlite'],
    ['SQLite:directory.db', 'sqlite'],
    ['directory.db', 'sqlite'],
    ['/var/lib/casctl/directory.db', 'sqlite'],
    ['C:\\casctl\\directory.db', 'sqlite'],
    ['ldap.db', 'sqlite'],
    ['ldap://h:389/dc=x,dc=y', 'ldap'],
    ['LDAPS://h/dc=x,dc=y', 'ldap'],
    ['postgres://casctl@db:5432/casctl', 'postgres'],
    ['PostgreSQL://casctl@db/casctl', 'postgres'],
    ['mysql://casctl@h/casctl', 'mysql'],
    ['MariaDB://casctl@h/casctl', 'mysql'],
  ];
  for (const [url, name] of cases) assert.equal((await driverFor(url)).name, name, url);
  assert.equal(await findDriver('http://h/x.db'), null);
  assert.equal(await findDriver('constructor:x'), null, 'only the registry\'s own keys are schemes');
});

test('the registry is frozen, and each driver serves exactly the schemes it is registered under', async () => {
  assert.ok(Object.isFrozen(STORE_DRIVERS));
  const drivers = await allDrivers();
  assert.deepEqual(drivers.map((d) => d.name), ['sqlite', 'ldap', 'postgres', 'mysql']);
  for (const driver of drivers) {
    for (const scheme of driver.schemes) assert.equal(await STORE_DRIVERS[scheme]?.(), driver, scheme);
  }
  assert.deepEqual(drivers.flatMap((d) => d.schemes).sort(), Object.keys(STORE_DRIVERS).sort());
});

test('an unknown scheme is refused, naming every store the registry has', async () => {
  const message =
    "Unsupported store URL 'mssql://h/casctl': casctl stores are 'sqlite:<path>' (or a plain file path), 'ldap://host:port/<base DN>', 'ldaps://host:port/<base DN>', 'postgres://user@host:port/database', 'mysql://user@host:port/database' or 'mariadb://user@host:port/database'.";
  await assert.rejects(openStore('mssql://h/casctl', tempDir(), { create: false }), (e: unknown) => e instanceof StoreError && e.exitCode === 3 && e.message === message);
});

/** The modules `script` imports, in a fresh process (node's resolve hook records them), as paths under src/. */
function importedSources(script: string): string[] {
  const dir = tempDir();
  const log = join(dir, 'imports.log');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nlet log;\nexport function initialize(data) { log = data.log; }\n" +
      'export async function resolve(specifier, context, next) { const result = await next(specifier, context); appendFileSync(log, `${result.url}\\n`); return result; }\n',
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
  const openStoreUrl = pathToFileURL(join(ROOT, 'src', 'store', 'open-store.ts')).href;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(dir, 'register.mjs'), '--input-type=module', '-e', `const { openStore } = await import(${JSON.stringify(openStoreUrl)});\n${script}`], {
    cwd: ROOT,
    env: { ...process.env, STORE_DIR: dir },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const src = pathToFileURL(join(ROOT, 'src')).href;
  return readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith(src)).map((url) => url.slice(src.length + 1));
}

test('drivers load lazily: a SQLite store never imports the LDAP driver, an LDAP URL never the SQLite one, a refused MySQL URL neither mysql2 nor the SQL store', () => {
  const sqlite = importedSources("const store = await openStore('lazy.db', process.env.STORE_DIR, { create: true }); await store.close();");
  assert.ok(sqlite.includes('store/sqlite/sqlite-store.ts'), sqlite.join(', '));
  assert.deepEqual(sqlite.filter((path) => path.startsWith('store/ldap/')), []);

  const ldap = importedSources("await openStore('ldap://127.0.0.1:1/', process.env.STORE_DIR, { create: false }).then(() => { throw new Error('opened'); }, (e) => { if (!/needs a base DN/.test(e.message)) throw e; });");
  assert.ok(ldap.includes('store/ldap/driver.ts'), ldap.join(', '));
  assert.deepEqual(ldap.filter((path) => path.startsWith('store/sqlite/')), []);

  // A URL the driver refuses before connecting: node-postgres and the SQL layer are never loaded for it.
  const postgres = importedSources("await openStore('postgres://casctl:pw@127.0.0.1:1/casctl', process.env.STORE_DIR, { create: false }).then(() => { throw new Error('opened'); }, (e) => { if (!/holds a password/.test(e.message)) throw e; });");
  assert.ok(postgres.includes('store/postgres/driver.ts'), postgres.join(', '));
  assert.deepEqual(postgres.filter((path) => /^store\/(sqlite|ldap)\/|^store\/postgres\/pg-pool|^store\/sql\/sql-store/.test(path)), []);
  // Likewise mysql2 and the SQL layer for a refused MySQL URL.
  const mysql = importedSources("await openStore('mysql://casctl:secret@127.0.0.1:1/casctl', process.env.STORE_DIR, { create: false }).then(() => { throw new Error('opened'); }, (e) => { if (!/holds a password/.test(e.message)) throw e; });");
  assert.ok(mysql.includes('store/mysql/driver.ts'), mysql.join(', '));
  assert.deepEqual(mysql.filter((path) => /^store\/(sqlite|ldap|postgres)\/|^store\/mysql\/client|^store\/sql\/sql-store/.test(path)), []);
});

test('a read URL names a replica of the same kind of store; SQLite has none', async () => {
  const path = join(tempDir(), 'casctl.db');
  await assert.rejects(openStore(path, ROOT, { create: true, readOnly: true, readUrl: 'ldap://h/dc=x,dc=y' }), (e: unknown) => e instanceof StoreError && /is not a replica of/.test(e.message));
  await assert.rejects(openStore(path, ROOT, { create: true, readOnly: true, readUrl: `${path}.copy` }), /A SQLite store has no replicas: remove "readStore"/);
});
