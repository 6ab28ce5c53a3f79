/**
 * JSON output is documented and stable: these commands' stdout must stay byte for byte what the
 * files under test/golden/ hold (Guids, timestamps and latencies, which differ per run, masked).
 * CASCTL_UPDATE_GOLDEN=1 rewrites the files, for a deliberate, reviewed change of the output.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, ROOT, sampleStore, tempDir, type CliOptions } from '../helpers/cli.js';

const GOLDEN = join(ROOT, 'test', 'golden');

function mask(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<guid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/"Latency":\d+/g, '"Latency":<ms>');
}

/** `replace`: text that differs per run or machine (a port, the user, the host), whole words, by what stands for it. */
async function golden(name: string, args: readonly string[], code: number, options: CliOptions, replace: Readonly<Record<string, string>> = {}): Promise<void> {
  const result = await casctl(args, options);
  assert.equal(result.code, code, result.stderr);
  let actual = mask(result.stdout);
  for (const [text, mark] of Object.entries(replace)) actual = actual.replace(new RegExp(`\\b${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g'), mark);
  const path = join(GOLDEN, name);
  if (process.env.CASCTL_UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `${args.join(' ')}: stdout differs from test/golden/${name}`);
}

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

test('a listing: get-casmailbox -o json', async () => {
  const store = await sampleStore();
  await golden('get-casmailbox.json', ['get-casmailbox', '--organizational-unit', 'North America/Finance', '-o', 'json'], 0, { store });
  await golden('get-mailbox-empty.json', ['get-mailbox', '--filter', "Name -eq 'nobody'", '-o', 'json'], 0, { store });
});

test('change results: set-casmailbox --what-if and applied, -o json', async () => {
  const store = await sampleStore();
  const what = ['set-casmailbox', '--organizational-unit', 'North America/Finance', '--pop-enabled', 'false', '--what-if', '-o', 'json'];
  await golden('set-casmailbox-what-if.json', what, 0, { store });
  await golden('set-casmailbox-applied.json', ['set-casmailbox', 'rzaher', 'nobody-here', '--imap-enabled', 'false', '-o', 'json'], 1, { store });
  await golden('set-casmailbox-none.json', ['set-casmailbox', 'nobody-here', '--pop-enabled', 'false', '-o', 'json'], 1, { store });
  await golden('undo.json', ['undo', '1', '-o', 'json'], 0, { store });
  await golden('prune-changelog.json', ['prune-changelog', '--before', '2000-01-01', '--what-if', '-o', 'json'], 0, { store });
});

test('the change history: one change in full (table, list, csv, json), the listing in list and csv', async () => {
  const store = await sampleStore();
  const set = ['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes'];
  assert.equal((await casctl(set, { store, env: { SUDO_USER: 'alice' } })).code, 0);
  assert.equal((await casctl(['undo', '1', '--yes'], { store })).code, 0);
  // Who ran casctl, and where: the machine's, not the golden file's.
  const here = { [userInfo().username]: '<user>', [hostname()]: '<host>' };
  for (const [file, args] of [
    ['get-changelog-1.txt', ['get-changelog', '1']],
    ['get-changelog-2.txt', ['get-changelog', '2']],
    ['get-changelog-1-list.txt', ['get-changelog', '1', '-o', 'list']],
    ['get-changelog-1.csv', ['get-changelog', '1', '-o', 'csv']],
    ['get-changelog-1.json', ['get-changelog', '1', '-o', 'json']],
    ['get-changelog-list.txt', ['get-changelog', '-o', 'list']],
    ['get-changelog.csv', ['get-changelog', '-o', 'csv']],
  ] as const) {
    await golden(file, args, 0, { store }, here);
  }
});

test('an audit: -o json, csv and junit; --fix --what-if -o json', async () => {
  const store = await sampleStore();
  const policy = 'fixtures/policies/sample-policy.yml';
  await golden('audit.json', ['audit', policy, '-o', 'json'], 5, { store });
  await golden('audit.csv', ['audit', policy, '-o', 'csv'], 5, { store });
  await golden('audit.xml', ['audit', policy, '-o', 'junit'], 5, { store });
  await golden('audit-fix-what-if.json', ['audit', policy, '--fix', '--what-if', '-o', 'json'], 5, { store });
});

test('a connectivity result: test-imapconnectivity -o json and csv', async () => {
  const port = String(await closedPort());
  const file = join(tempDir(), 'password');
  writeFileSync(file, 'secret\n');
  const args = ['test-imapconnectivity', 'rand.zaher@tailspintoys.com', '--port', port, '--password-file', file];
  // The port is masked too: it is new each run.
  await golden('test-imapconnectivity.json', [...args, '-o', 'json'], 1, {}, { [port]: '<port>' });
});
