import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, json, ROOT, sampleStore, tempDir } from '../helpers/cli.js';
import { loadedModules, type LoadedModules } from '../helpers/loaded-modules.js';

// What a start loads: the bench's cold starts (bench/run.js, "cold") time it; these tests fail when
// something comes back onto the path, whatever the machine's speed.

/** Built-ins that cost a start milliseconds and that these commands never use. */
const HEAVY_BUILTINS = ['crypto', 'child_process', 'net', 'tty', 'dgram', 'readline', 'worker_threads'];
const TABLE_SOURCES = ['src/output/table.ts', 'src/output/table-layout.ts', 'src/output/text-width.ts', 'src/output/row-spool.ts'];
const ONE = 'gabriel.larsen@tailspintoys.com';
/** What the program's definition never needs: the commands, the stores, the filter language, input, services, output formatting. */
const NOT_AT_START = [
  /^src\/(cli\/commands|store|filter|input|services|audit|connectivity)\//,
  /^src\/output\/(formatters?|json-formats|csv|writer|table|table-layout|text-width|row-spool|mailbox-output)\.ts$/,
];

function assertNoHeavyBuiltins(loaded: LoadedModules): void {
  assert.deepEqual(loaded.builtins.filter((b) => HEAVY_BUILTINS.includes(b)), []);
}

test('casctl --version loads bin/casctl.js alone: the version is read from the manifest, no program is built', async () => {
  const loaded = await loadedModules(['--version']);
  assert.equal(loaded.result.code, 0, loaded.result.stderr);
  assert.deepEqual(loaded.files, ['bin/casctl.js']);
  assert.deepEqual(loaded.commonJs, []);
  assertNoHeavyBuiltins(loaded);
});

test('casctl --help loads one file of the build, with commander bundled in and the program, nothing of a command', async () => {
  const loaded = await loadedModules(['--help']);
  assert.equal(loaded.result.code, 0, loaded.result.stderr);
  // One file: a start that resolves chunks pays for each of them and for every import between them.
  assert.deepEqual(loaded.files, ['bin/casctl.js', 'dist/cli/main.js']);
  assert.ok(loaded.sources.includes('node_modules/commander/lib/command.js'), 'commander is bundled into the entry');
  assert.deepEqual(loaded.commonJs, [], 'nothing is required from node_modules');
  assert.deepEqual(loaded.sources.filter((s) => NOT_AT_START.some((pattern) => pattern.test(s))), []);
  assertNoHeavyBuiltins(loaded);
});

test('casctl --version, -V and -Version print the package version', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // -V and --version alone take the short way; an Exchange spelling goes through the program: the same answer.
  for (const args of [['--version'], ['-V'], ['-Version']]) {
    const result = await casctl(args, { cwd: tempDir() });
    assert.deepEqual([result.code, result.stdout], [0, `${version}\n`], args[0]);
  }
});

test('get-casmailbox of one mailbox, -o json: the command, the SQLite driver and better-sqlite3; no table layout, no other store, no other command', async () => {
  const store = await sampleStore();
  const loaded = await loadedModules(['get-casmailbox', ONE, '-o', 'json'], { store });
  assert.equal(loaded.result.code, 0, loaded.result.stderr);
  assert.equal(json(loaded.result)[0]?.PrimarySmtpAddress, ONE);
  assert.deepEqual(loaded.sources.filter((s) => s.startsWith('src/cli/commands/')), ['src/cli/commands/get-casmailbox.ts']);
  assert.ok(loaded.sources.includes('src/store/sqlite/sqlite-store.ts'));
  assert.deepEqual(loaded.sources.filter((s) => /^src\/store\/(ldap|postgres|mysql)\//.test(s)), []);
  assert.deepEqual(loaded.sources.filter((s) => TABLE_SOURCES.includes(s)), []);
  assert.deepEqual(loaded.files.filter((f) => f.startsWith('node_modules/')), [], 'no package is imported');
  assert.ok(loaded.commonJs.length > 0);
  assert.deepEqual(loaded.commonJs.filter((f) => !f.startsWith('node_modules/better-sqlite3/')), [], 'better-sqlite3 alone, its addon named (not found through bindings)');
  assertNoHeavyBuiltins(loaded);
});

test('get-casmailbox of one mailbox as a table (the default) loads the table layout too, and still no heavy built-in', async () => {
  const store = await sampleStore();
  const loaded = await loadedModules(['get-casmailbox', ONE], { store });
  assert.equal(loaded.result.code, 0, loaded.result.stderr);
  assert.match(loaded.result.stdout, /^Name +PrimarySmtpAddress/);
  assert.deepEqual(TABLE_SOURCES.filter((s) => !loaded.sources.includes(s)), []);
  assertNoHeavyBuiltins(loaded);
});

test('the built casctl works from any directory: init --sample finds the sample and the hash worker, reads back from there', async () => {
  const cwd = tempDir();
  const store = join(tempDir(), 'casctl.db');
  const init = await casctl(['init', '--sample', '--store', store], { cwd });
  assert.equal(init.code, 0, init.stderr);
  const one = await casctl(['get-casmailbox', ONE, '-o', 'json', '--store', store], { cwd });
  assert.equal(json(one)[0]?.PrimarySmtpAddress, ONE);
});
