import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_LOCATIONS, DEFAULT_CONFIG_PLACES, xdgConfigHome } from '../../../src/cli/config-locations.js';
import { loadConfig } from '../../../src/cli/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';

function write(path: string, content: unknown, mode = 0o600): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(content));
  chmodSync(path, mode);
  return path;
}

test('the XDG base directory rule: XDG_CONFIG_HOME when absolute; else (unset, empty, relative) $HOME/.config; no HOME, no place', () => {
  assert.equal(xdgConfigHome({ XDG_CONFIG_HOME: '/srv/conf', HOME: '/home/kim' }), '/srv/conf');
  assert.equal(xdgConfigHome({ HOME: '/home/kim' }), '/home/kim/.config');
  assert.equal(xdgConfigHome({ XDG_CONFIG_HOME: '', HOME: '/home/kim' }), '/home/kim/.config');
  assert.equal(xdgConfigHome({ XDG_CONFIG_HOME: 'conf', HOME: '/home/kim' }), '/home/kim/.config', 'a relative path is invalid, the spec says: ignored');
  assert.equal(xdgConfigHome({}), undefined);
  assert.equal(xdgConfigHome({ HOME: '' }), undefined);
  assert.equal(xdgConfigHome({ HOME: 'relative' }), undefined);
});

test('the places, in order, and the help text made from them', () => {
  assert.deepEqual(
    CONFIG_LOCATIONS.map((l) => l.name),
    ['--config <path>', 'CASCTL_CONFIG', './casctl.config.json', '$XDG_CONFIG_HOME/casctl/config.json', '/etc/casctl/config.json'],
  );
  assert.equal(DEFAULT_CONFIG_PLACES, 'CASCTL_CONFIG, ./casctl.config.json, $XDG_CONFIG_HOME/casctl/config.json, /etc/casctl/config.json');
  const sources = { configOption: 'c.json', env: { CASCTL_CONFIG: 'e.json', HOME: '/home/kim' }, cwd: '/work' };
  assert.deepEqual(
    CONFIG_LOCATIONS.map((l) => l.path(sources)),
    ['/work/c.json', '/work/e.json', '/work/casctl.config.json', '/home/kim/.config/casctl/config.json', '/etc/casctl/config.json'],
  );
});

test('$XDG_CONFIG_HOME/casctl/config.json is read when the directory has none; a relative store in it is relative to it', async () => {
  const cwd = tempDir();
  const xdg = tempDir();
  const path = write(join(xdg, 'casctl', 'config.json'), { store: 'directory.db' });
  const config = await loadConfig({ configOption: undefined, env: { XDG_CONFIG_HOME: xdg }, cwd });
  assert.equal(config.path, path);
  assert.equal(config.store, `sqlite:${join(xdg, 'casctl', 'directory.db')}`);
});

test('~/.config/casctl/config.json, from HOME, when XDG_CONFIG_HOME is unset or relative', async () => {
  const cwd = tempDir();
  const home = tempDir();
  const path = write(join(home, '.config', 'casctl', 'config.json'), { timeZone: 'local' });
  for (const env of [{ HOME: home }, { HOME: home, XDG_CONFIG_HOME: 'relative/dir' }, { HOME: home, XDG_CONFIG_HOME: '' }]) {
    assert.equal((await loadConfig({ configOption: undefined, env, cwd })).path, path, JSON.stringify(env));
  }
});

test('the first file found is the configuration, never merged: ./casctl.config.json shadows the XDG one, CASCTL_CONFIG both', async () => {
  const cwd = tempDir();
  const home = tempDir();
  write(join(home, '.config', 'casctl', 'config.json'), { timeZone: 'local', dovecot: { webmailNetworks: ['10.0.0.0/8'] } });
  const local = write(join(cwd, 'casctl.config.json'), { timeZone: 'UTC' });
  const config = await loadConfig({ configOption: undefined, env: { HOME: home }, cwd });
  assert.equal(config.path, local);
  assert.deepEqual(config.dovecot.webmailNetworks, [], 'nothing of the shadowed file is read');
  const named = write(join(tempDir(), 'named.json'), {});
  assert.equal((await loadConfig({ configOption: undefined, env: { HOME: home, CASCTL_CONFIG: named }, cwd })).path, named);
});

test('the XDG file gets the trust check of every other: group- or world-writable is refused, with the fix', async () => {
  const xdg = tempDir();
  for (const [mode, what, fix] of [[0o620, 'group', 'go-w'], [0o602, 'world', 'go-w']] as const) {
    const path = write(join(xdg, 'casctl', 'config.json'), {}, mode);
    await assert.rejects(
      loadConfig({ configOption: undefined, env: { XDG_CONFIG_HOME: xdg }, cwd: tempDir() }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith(`Refusing the configuration file '${path}' (found by default): it is ${what}-writable.`) &&
        e.message.includes(`chmod ${fix} '${path}'`),
    );
  }
});
