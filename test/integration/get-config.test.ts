/**
 * casctl get-config through the CLI: every setting with where it came from (a flag, the
 * environment, which file, or the default), the configuration files looked at, and no password,
 * whichever way it was given.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';

interface Shown {
  setting: string;
  value: unknown;
  origin: 'flag' | 'environment' | 'file' | 'default';
  source: string | null;
}

interface Report {
  settings: Shown[];
  files: { location: string; path: string | null; status: string }[];
}

/** A directory to run in and a HOME of its own, so that no file of the machine's user is found. */
function place(): { cwd: string; home: string; env: NodeJS.ProcessEnv } {
  const cwd = tempDir();
  const home = tempDir();
  return { cwd, home, env: { HOME: home } };
}

function writeConfig(path: string, content: unknown): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(content), { mode: 0o600 });
  return path;
}

async function report(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Report> {
  const result = await casctl(['get-config', '-o', 'json', ...args], { cwd, env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  return json<Report>(result);
}

const setting = (r: Report, name: string): Omit<Shown, 'setting'> | undefined => {
  const found = r.settings.find((s) => s.setting === name);
  return found === undefined ? undefined : { value: found.value, origin: found.origin, source: found.source };
};

test('with nothing configured: the defaults, and each place casctl looked for a configuration file', async () => {
  const { cwd, home, env } = place();
  const r = await report([], cwd, env);
  assert.deepEqual(setting(r, 'store'), { value: join(cwd, 'casctl.db'), origin: 'default', source: null });
  assert.deepEqual(setting(r, 'readOnly'), { value: false, origin: 'default', source: null });
  assert.deepEqual(setting(r, 'timeZone'), { value: 'UTC', origin: 'default', source: null });
  assert.deepEqual(setting(r, 'services'), { value: null, origin: 'default', source: null });
  assert.deepEqual(setting(r, 'lastLogons.url'), { value: `sqlite:${join(cwd, 'casctl.last-logons.db')}`, origin: 'default', source: null });
  assert.deepEqual(setting(r, 'lastLogons.retentionDays'), { value: 365, origin: 'default', source: null });
  assert.deepEqual(r.files, [
    { location: '--config <path>', path: null, status: 'unset' },
    { location: 'CASCTL_CONFIG', path: null, status: 'unset' },
    { location: './casctl.config.json', path: join(cwd, 'casctl.config.json'), status: 'not found' },
    { location: '$XDG_CONFIG_HOME/casctl/config.json', path: join(home, '.config', 'casctl', 'config.json'), status: 'not found' },
    { location: '/etc/casctl/config.json', path: '/etc/casctl/config.json', status: 'not found' },
  ]);
  for (const s of r.settings) assert.deepEqual(Object.keys(s), ['setting', 'value', 'origin', 'source'], 'stable keys');
});

test('each origin: a flag beats the environment, which beats the file, which beats the default', async () => {
  const { cwd, env } = place();
  const config = writeConfig(join(cwd, 'casctl.config.json'), {
    store: 'ldap://127.0.0.1:3899/dc=example,dc=com',
    readStore: 'ldap://127.0.0.2:3899/dc=example,dc=com',
    timeZone: 'Europe/Berlin',
    dovecot: { webmailNetworks: ['10.1.0.0/16'] },
    lastLogons: { url: 'logins.db', retentionDays: 90 },
    ldap: { bindDn: 'cn=casctl,dc=example,dc=com', passwordFile: 'ldap.secret', pageSize: 200 },
  });
  const fromFile = await report([], cwd, env);
  const file = { origin: 'file', source: config };
  assert.deepEqual(setting(fromFile, 'store'), { value: 'ldap://127.0.0.1:3899/dc=example,dc=com', ...file });
  assert.deepEqual(setting(fromFile, 'readStore'), { value: 'ldap://127.0.0.2:3899/dc=example,dc=com', ...file });
  assert.deepEqual(setting(fromFile, 'timeZone'), { value: 'Europe/Berlin', ...file });
  assert.deepEqual(setting(fromFile, 'dovecot.webmailNetworks'), { value: ['10.1.0.0/16'], ...file });
  assert.deepEqual(setting(fromFile, 'lastLogons.url'), { value: `sqlite:${join(cwd, 'logins.db')}`, ...file });
  assert.deepEqual(setting(fromFile, 'lastLogons.retentionDays'), { value: 90, ...file });
  assert.deepEqual(setting(fromFile, 'ldap.bindDn'), { value: 'cn=casctl,dc=example,dc=com', ...file });
  assert.deepEqual(setting(fromFile, 'ldap.password'), { value: `(in ${join(cwd, 'ldap.secret')})`, ...file });
  assert.deepEqual(setting(fromFile, 'ldap.pageSize'), { value: 200, ...file });
  assert.deepEqual(setting(fromFile, 'ldap.startTls'), { value: false, origin: 'default', source: null });
  assert.equal(fromFile.files.find((f) => f.status === 'used')?.location, './casctl.config.json');

  const environment = { ...env, CASCTL_STORE: 'ldap://127.0.0.3:3899/dc=example,dc=com', CASCTL_READ_STORE: 'ldap://127.0.0.4:3899/dc=example,dc=com', CASCTL_LAST_LOGONS: 'sqlite:/var/lib/casctl/logins.db', CASCTL_LDAP_BIND_DN: 'cn=env,dc=example,dc=com', CASCTL_LDAP_PASSWORD_FILE: '/run/secrets/ldap' };
  const fromEnv = await report([], cwd, environment);
  assert.deepEqual(setting(fromEnv, 'store'), { value: environment.CASCTL_STORE, origin: 'environment', source: 'CASCTL_STORE' });
  assert.deepEqual(setting(fromEnv, 'readStore'), { value: environment.CASCTL_READ_STORE, origin: 'environment', source: 'CASCTL_READ_STORE' });
  assert.deepEqual(setting(fromEnv, 'lastLogons.url'), { value: environment.CASCTL_LAST_LOGONS, origin: 'environment', source: 'CASCTL_LAST_LOGONS' });
  assert.deepEqual(setting(fromEnv, 'ldap.bindDn'), { value: 'cn=env,dc=example,dc=com', origin: 'environment', source: 'CASCTL_LDAP_BIND_DN' });
  assert.deepEqual(setting(fromEnv, 'ldap.password'), { value: '(in /run/secrets/ldap)', origin: 'environment', source: 'CASCTL_LDAP_PASSWORD_FILE' });

  const fromFlags = await report(['--store', '/srv/flag.db', '--read-only', '--verbose'], cwd, environment);
  assert.deepEqual(setting(fromFlags, 'store'), { value: '/srv/flag.db', origin: 'flag', source: '--store' });
  assert.deepEqual(setting(fromFlags, 'readOnly'), { value: true, origin: 'flag', source: '--read-only' });
  assert.deepEqual(setting(fromFlags, 'verbose'), { value: true, origin: 'flag', source: '--verbose' });
  assert.deepEqual(setting(fromFlags, 'readStore'), { value: environment.CASCTL_READ_STORE, origin: 'environment', source: 'CASCTL_READ_STORE' });
  assert.ok(fromFlags.settings.some((s) => s.setting === 'ldap.bindDn'), 'the file has an ldap section: its settings are shown whatever the store');
});

test('--config and CASCTL_CONFIG: the file named is used, every other one that exists is shadowed, never merged', async () => {
  const { cwd, home, env } = place();
  const local = writeConfig(join(cwd, 'casctl.config.json'), { timeZone: 'local' });
  const xdg = writeConfig(join(home, '.config', 'casctl', 'config.json'), { timeZone: 'UTC' });
  const named = writeConfig(join(tempDir(), 'named.json'), { dovecot: { webmailNetworks: ['192.0.2.0/24'] } });
  const byEnv = await report([], cwd, { ...env, CASCTL_CONFIG: named });
  assert.deepEqual(byEnv.files.map((f) => [f.location, f.path, f.status]), [
    ['--config <path>', null, 'unset'],
    ['CASCTL_CONFIG', named, 'used'],
    ['./casctl.config.json', local, 'shadowed'],
    ['$XDG_CONFIG_HOME/casctl/config.json', xdg, 'shadowed'],
    ['/etc/casctl/config.json', '/etc/casctl/config.json', 'not found'],
  ]);
  assert.deepEqual(setting(byEnv, 'timeZone'), { value: 'UTC', origin: 'default', source: null }, 'nothing from a shadowed file');
  assert.deepEqual(setting(byEnv, 'dovecot.webmailNetworks'), { value: ['192.0.2.0/24'], origin: 'file', source: named });
  const byFlag = await report(['--config', local], cwd, { ...env, CASCTL_CONFIG: named });
  assert.deepEqual(byFlag.files.slice(0, 3).map((f) => f.status), ['used', 'shadowed', 'shadowed']);
  assert.deepEqual(setting(byFlag, 'timeZone'), { value: 'local', origin: 'file', source: local });
});

test('the XDG file: $XDG_CONFIG_HOME/casctl/config.json, or ~/.config/casctl/config.json without XDG_CONFIG_HOME; ./casctl.config.json shadows it', async () => {
  const { cwd, home, env } = place();
  const xdgHome = tempDir();
  const xdg = writeConfig(join(xdgHome, 'casctl', 'config.json'), { store: 'xdg.db' });
  const inHome = writeConfig(join(home, '.config', 'casctl', 'config.json'), { store: 'home.db' });
  const withXdg = await report([], cwd, { ...env, XDG_CONFIG_HOME: xdgHome });
  assert.deepEqual(setting(withXdg, 'store'), { value: `sqlite:${join(xdgHome, 'casctl', 'xdg.db')}`, origin: 'file', source: xdg });
  const withoutXdg = await report([], cwd, env);
  assert.deepEqual(setting(withoutXdg, 'store'), { value: `sqlite:${join(home, '.config', 'casctl', 'home.db')}`, origin: 'file', source: inHome });
  const local = writeConfig(join(cwd, 'casctl.config.json'), {});
  const shadowed = await report([], cwd, env);
  assert.deepEqual(shadowed.files.slice(2, 4).map((f) => [f.path, f.status]), [[local, 'used'], [inHome, 'shadowed']]);
  assert.deepEqual(setting(shadowed, 'store'), { value: join(cwd, 'casctl.db'), origin: 'default', source: null });
});

test("each service's commands, as they would run, from the file", async () => {
  const { cwd, env } = place();
  const config = writeConfig(join(cwd, 'casctl.config.json'), { services: { preset: 'systemd', unit: 'dovecot.service', timeoutSeconds: 12 } });
  const r = await report([], cwd, env);
  assert.deepEqual(setting(r, 'services.timeoutSeconds'), { value: 12, origin: 'file', source: config });
  assert.deepEqual(setting(r, 'services.MSExchangeIMAP4.restart'), { value: 'systemctl restart dovecot.service', origin: 'file', source: config });
  assert.deepEqual(setting(r, 'services.MSExchangeIMAP4.flush'), { value: "doveadm auth cache flush -- '{users}'", origin: 'file', source: config });
});

test('the table: one line a setting with its origin as git config --show-origin writes it, then the files', async () => {
  const { cwd, env } = place();
  const config = writeConfig(join(cwd, 'casctl.config.json'), { timeZone: 'local' });
  const result = await casctl(['get-config', '--read-only'], { cwd, env: { ...env, CASCTL_STORE: '/srv/casctl.db' } });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.match(lines[0] ?? '', /^Setting +Value +Origin$/);
  assert.ok(lines.some((l) => /^store +\/srv\/casctl\.db +env CASCTL_STORE$/.test(l)), result.stdout);
  assert.ok(lines.some((l) => /^readOnly +True +--read-only$/.test(l)), result.stdout);
  assert.ok(lines.some((l) => new RegExp(`^timeZone +local +file ${config}$`).test(l)), result.stdout);
  assert.ok(lines.some((l) => /^File +Path +Status$/.test(l)), result.stdout);
  assert.ok(lines.some((l) => new RegExp(`^\\./casctl\\.config\\.json +${config} +used$`).test(l)), result.stdout);
  assert.equal((await casctl(['get-config', '-o', 'csv'], { cwd, env })).code, 2, 'table or json only');
});

test('no password reaches stdout or stderr, however it was given: environment, file, the config itself, a URL', async () => {
  const { cwd, env } = place();
  const secrets = { ldapEnv: 'Planted-LdapEnv-7f3a', sqlEnv: 'Planted-SqlEnv-19c2', inConfig: 'Planted-InConfig-55d1', inFile: 'Planted-InFile-a0b9', inUrl: 'Planted-InUrl-e4e4' };
  writeFileSync(join(cwd, 'ldap.secret'), `${secrets.inFile}\n`, { mode: 0o600 });
  writeConfig(join(cwd, 'casctl.config.json'), {
    store: 'ldap://127.0.0.1:3899/dc=example,dc=com',
    ldap: { bindDn: 'cn=casctl,dc=example,dc=com', password: secrets.inConfig },
    postgres: { passwordFile: 'ldap.secret' },
  });
  const runs: CliResult[] = [];
  const environments: NodeJS.ProcessEnv[] = [
    { ...env, CASCTL_LDAP_PASSWORD: secrets.ldapEnv, CASCTL_SQL_PASSWORD: secrets.sqlEnv, CASCTL_LAST_LOGONS: `postgres://casctl:${secrets.inUrl}@127.0.0.1/logins` },
    { ...env, CASCTL_LDAP_PASSWORD_FILE: join(cwd, 'ldap.secret'), CASCTL_SQL_PASSWORD_FILE: join(cwd, 'ldap.secret') },
    env,
  ];
  for (const environment of environments) {
    for (const args of [['get-config'], ['get-config', '-o', 'json'], ['--verbose', 'get-config', '-o', 'json']]) runs.push(await casctl(args, { cwd, env: environment }));
  }
  for (const run of runs) {
    assert.equal(run.code, 0, run.stderr);
    for (const secret of Object.values(secrets)) assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), `${secret} shown:\n${run.stdout}${run.stderr}`);
  }
  const [withEnv, withFiles, fromConfig] = [runs[1], runs[4], runs[7]].map((r) => json<Report>(r as CliResult));
  assert.deepEqual(setting(withEnv as Report, 'ldap.password'), { value: '(set, hidden)', origin: 'environment', source: 'CASCTL_LDAP_PASSWORD' });
  assert.deepEqual(setting(withEnv as Report, 'postgres.password'), { value: '(set, hidden)', origin: 'environment', source: 'CASCTL_SQL_PASSWORD' });
  assert.deepEqual(setting(withEnv as Report, 'lastLogons.url'), { value: 'postgres://casctl:***@127.0.0.1/logins', origin: 'environment', source: 'CASCTL_LAST_LOGONS' });
  assert.deepEqual(setting(withFiles as Report, 'ldap.password'), { value: `(in ${join(cwd, 'ldap.secret')})`, origin: 'environment', source: 'CASCTL_LDAP_PASSWORD_FILE' });
  assert.deepEqual(setting(fromConfig as Report, 'ldap.password'), { value: '(set, hidden)', origin: 'file', source: join(cwd, 'casctl.config.json') });
  assert.deepEqual(setting(fromConfig as Report, 'postgres.password'), { value: `(in ${join(cwd, 'ldap.secret')})`, origin: 'file', source: join(cwd, 'casctl.config.json') });
});

test("run as another user with root's HOME (sudo -u nobody): a ~/.config they may not enter holds no file of theirs; one they may see but not read is an error", async () => {
  const nobody = { uid: 65534, gid: 65534 };
  const cwd = tempDir();
  chmodSync(cwd, 0o755);
  const home = tempDir();
  const path = writeConfig(join(home, '.config', 'casctl', 'config.json'), { timeZone: 'local' });
  chmodSync(home, 0o700);
  const hidden = await casctl(['get-config', '-o', 'json'], { cwd, env: { HOME: home }, ...nobody });
  assert.equal(hidden.code, 0, hidden.stderr);
  assert.deepEqual(json<Report>(hidden).files.find((f) => f.path === path)?.status, 'not found');
  assert.deepEqual(setting(json<Report>(hidden), 'timeZone'), { value: 'UTC', origin: 'default', source: null });

  chmodSync(home, 0o755);
  for (const dir of [join(home, '.config'), join(home, '.config', 'casctl')]) chmodSync(dir, 0o755);
  const unreadable = await casctl(['get-config'], { cwd, env: { HOME: home }, ...nobody });
  assert.equal(unreadable.code, 3, unreadable.stderr);
  assert.match(unreadable.stderr, new RegExp(`Cannot read the configuration file '${path}': EACCES`));
});
