import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BIN, casctl, json, sampleStore } from '../helpers/cli.js';

interface Settings {
  Guid: string;
  PopEnabled: boolean;
}

const SELECT = ['get-casmailbox', '--organizational-unit', 'IT', '--filter', "Name -ne 'Administrator'"];

/** `casctl get-casmailbox … <output> | casctl set-casmailbox - --pop-enabled false --yes`, through a real pipe (sh). */
function piped(store: string, output: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;
  const get = [process.execPath, BIN, ...SELECT, ...output].map(quote).join(' ');
  const set = [process.execPath, BIN, 'set-casmailbox', '-', '--pop-enabled', 'false', '--yes'].map(quote).join(' ');
  const result = spawnSync('sh', ['-c', `${get} | ${set}`], { env: { PATH: process.env.PATH, CASCTL_STORE: store, LANG: 'C.UTF-8' }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function selected(store: string): Promise<Settings[]> {
  const result = await casctl([...SELECT, '-o', 'json', '--property', 'Guid,PopEnabled'], { store });
  return json<Settings[]>(result);
}

for (const [format, output] of [['the default table', []], ['-o list', ['-o', 'list']]] as const) {
  test(`${format} piped into set-casmailbox -: one clear error naming -o id and -o json, exit 2, nothing changed`, async () => {
    const store = await sampleStore();
    const before = await selected(store);
    assert.ok(before.filter((m) => m.PopEnabled).length > 2);
    const result = piped(store, output);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /stdin: this is .*, not one identity per line\. Pipe '-o id' \(one Guid per line\) or '-o json' instead\./);
    assert.doesNotMatch(result.stderr, /couldn't be found/);
    assert.deepEqual(await selected(store), before);
  });
}

for (const [format, output] of [
  ['-o csv (by its Guid column)', ['-o', 'csv']],
  ['-o csv without a Guid column (by PrimarySmtpAddress)', ['-o', 'csv', '--property', 'Name,PrimarySmtpAddress,Department']],
  ['-o json', ['-o', 'json']],
  ['-o id', ['-o', 'id']],
] as const) {
  test(`${format} piped into set-casmailbox - changes exactly the mailboxes listed`, async () => {
    const store = await sampleStore();
    const before = await selected(store);
    const result = piped(store, output);
    assert.equal(result.code, 0, result.stderr);
    const on = before.filter((m) => m.PopEnabled).length;
    assert.ok(on > 2);
    assert.match(result.stderr, new RegExp(`Changed ${on}, unchanged ${before.length - on}, refused 0, not found 0`));
    assert.deepEqual(await selected(store), before.map((m) => ({ ...m, PopEnabled: false })));
  });
}

test('-o csv with no column that names a mailbox: one error saying what to add, nothing changed', async () => {
  const store = await sampleStore();
  const before = await selected(store);
  const result = piped(store, ['-o', 'csv', '--property', 'Department,Title']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /CSV without a column that names a mailbox .* Add one with --property Guid/);
  assert.deepEqual(await selected(store), before);
});
