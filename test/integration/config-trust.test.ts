import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';
import { SERVICES as REGISTRY_SERVICES } from '../../src/services/services.js';

// casctl runs the commands of a config file's "services" section, often as root: it reads only a
// config file, and uses only a default ./casctl.db, that no other user can write (README, --config).
// These tests run as root (as CI does); "another user" is nobody.
const NOBODY = 65534;
// Every registry service: a config without a preset gives each its commands.
const SERVICES = REGISTRY_SERVICES.map((s) => s.Name);

/** A world-writable directory holding a casctl.config.json whose status commands leave a marker file. */
function plantedConfig(mode: number, owner = 0): { dir: string; config: string; marker: string } {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const marker = join(dir, 'the-command-ran');
  const status = ['sh', '-c', `touch '${marker}'`];
  const config = join(dir, 'casctl.config.json');
  writeFileSync(config, JSON.stringify({ services: { commands: Object.fromEntries(SERVICES.map((name) => [name, { restart: ['true'], status }])) } }));
  chmodSync(config, mode);
  chownSync(config, owner, owner);
  return { dir, config, marker };
}

let store = '';
before(async () => {
  store = await sampleStore();
});

describe('./casctl.config.json', () => {
  test('owned by another user, in a world-writable directory: exit 3, why and how to fix, and its command never runs', async () => {
    const { dir, config, marker } = plantedConfig(0o644, NOBODY);
    const result = await casctl(['get-service'], { cwd: dir, store });
    assert.equal(result.code, 3, result.stderr);
    assert.ok(result.stderr.includes(`Refusing the configuration file '${config}' (found by default): it belongs to uid ${NOBODY}, not to you (uid 0) or root`), result.stderr);
    assert.match(result.stderr, /runs the commands its "services" section holds/);
    assert.ok(result.stderr.includes(`chown 0 '${config}'`), result.stderr);
    assert.match(result.stderr, /--config or CASCTL_CONFIG/);
    assert.equal(existsSync(marker), false, 'the planted command did not run');
  });

  for (const [mode, what, fix] of [[0o666, 'world', 'go-w'], [0o664, 'group', 'go-w']] as const) {
    test(`root's but ${what}-writable (${mode.toString(8)}): refused`, async () => {
      const { dir, config, marker } = plantedConfig(mode);
      const result = await casctl(['get-service'], { cwd: dir, store });
      assert.equal(result.code, 3, result.stderr);
      assert.ok(result.stderr.includes(`it is ${what}-writable. `) && result.stderr.includes(`chmod ${fix} '${config}'`), result.stderr);
      assert.equal(existsSync(marker), false);
    });
  }

  test("root's and 0644: read, and its commands run", async () => {
    const { dir, marker } = plantedConfig(0o644);
    const result = await casctl(['get-service'], { cwd: dir, store });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(existsSync(marker), true);
  });
});

describe('a config file named explicitly', () => {
  test('--config and CASCTL_CONFIG get the same rule: refused, with the permissions to fix', async () => {
    const { config, marker } = plantedConfig(0o666);
    for (const run of [{ args: ['--config', config] }, { args: [], env: { CASCTL_CONFIG: config } }]) {
      const result = await casctl(['get-service', ...run.args], { store, ...(run.env === undefined ? {} : { env: run.env }) });
      assert.equal(result.code, 3, result.stderr);
      assert.ok(result.stderr.includes(`'${config}' (named by --config or CASCTL_CONFIG): it is world-writable`), result.stderr);
      assert.ok(result.stderr.includes(`chmod go-w '${config}'`));
    }
    assert.equal(existsSync(marker), false);
  });

  test('--config /dev/zero: exit 3 within 2 s, saying it is too large', async () => {
    const started = Date.now();
    const result = await casctl(['get-service', '--config', '/dev/zero'], { store });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /The configuration file '\/dev\/zero' is larger than 1 MiB/);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });
});

describe('./casctl.db, the store when none is named', () => {
  async function defaultStore(mode: number, owner = 0): Promise<string> {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const path = join(dir, 'casctl.db');
    copyFileSync(await sampleStore(), path);
    chmodSync(path, mode);
    chownSync(path, owner, owner);
    return dir;
  }

  test('owned by another user: exit 3; named with --store it is used', async () => {
    const dir = await defaultStore(0o660, NOBODY);
    const result = await casctl(['get-mailbox', 'Administrator', '-o', 'id'], { cwd: dir });
    assert.equal(result.code, 3, result.stderr);
    assert.ok(result.stderr.includes(`Refusing the default store '${join(dir, 'casctl.db')}' (./casctl.db, as no store is named): it belongs to uid ${NOBODY}`), result.stderr);
    assert.match(result.stderr, /--store or CASCTL_STORE/);
    const named = await casctl(['get-mailbox', 'Administrator', '-o', 'id', '--store', 'casctl.db'], { cwd: dir });
    assert.equal(named.code, 0, named.stderr);
  });

  test('world-writable: exit 3; group-writable (0660, as casctl creates stores): used', async () => {
    const open = await casctl(['get-mailbox', 'Administrator', '-o', 'id'], { cwd: await defaultStore(0o666) });
    assert.equal(open.code, 3, open.stderr);
    assert.match(open.stderr, /it is world-writable\. .*chmod o-w /);
    const shared = await casctl(['get-mailbox', 'Administrator', '-o', 'id'], { cwd: await defaultStore(0o660) });
    assert.equal(shared.code, 0, shared.stderr);
  });
});
