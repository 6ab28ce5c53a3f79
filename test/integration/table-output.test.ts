import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { BIN, casctl, ROOT, tempDir } from '../helpers/cli.js';

const LONG_NAME = 'Someone With A Really Remarkably Long Name Indeed';
const LONG_ADDRESS = 'someone.with.a.really.remarkably.long.address@example.com';

let store = '';

/** 320 mailboxes with short names, but the 260th: past the 250 rows a streaming table sizes its columns from. */
before(async () => {
  const dir = tempDir();
  const csv = join(dir, 'directory.csv');
  const rows = Array.from({ length: 320 }, (_, i) => (i + 1 === 260 ? `${LONG_NAME},${LONG_ADDRESS}` : `U ${i + 1},u${i + 1}@example.com`));
  writeFileSync(csv, `Name,PrimarySmtpAddress\n${rows.join('\n')}\n`);
  store = join(dir, 'store.db');
  for (const args of [['init', '--store', store], ['import', csv, '--store', store]]) {
    const result = await casctl(args);
    assert.equal(result.code, 0, result.stderr);
  }
});

/** get-casmailbox on a terminal `columns` wide (test/helpers/pty-run.py): what it showed, and its stderr apart. */
function onTerminal(columns: number, env: NodeJS.ProcessEnv = {}): { code: number | null; lines: string[]; stderr: string } {
  const result = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), String(columns), process.execPath, BIN, 'get-casmailbox'], {
    env: { PATH: process.env.PATH, CASCTL_STORE: store, NO_COLOR: '1', LANG: 'C.UTF-8', ...env },
    encoding: 'utf8',
  });
  return { code: result.status, lines: result.stdout.split('\r\n').slice(0, -1), stderr: result.stderr };
}

test('a table into a pipe holds every value whole, the 260th row included, and says nothing', async () => {
  const result = await casctl(['get-casmailbox'], { store });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.split('\n');
  assert.equal(lines.length, 323, 'header, rule, 320 rows, the final newline');
  assert.match(lines[261] ?? '', new RegExp(`^${LONG_NAME} ${LONG_ADDRESS.replaceAll('.', '\\.')} +True +True +True$`));
  assert.ok(!result.stdout.includes('…'));
  assert.equal((lines[2] ?? '').indexOf('u1@example.com'), LONG_NAME.length + 1, 'every column as wide as its widest value');
});

test('a table into a file is the same: nothing cut', () => {
  const path = join(tempDir(), 'table.txt');
  const fd = openSync(path, 'w');
  const result = spawnSync(process.execPath, [BIN, 'get-casmailbox'], { env: { PATH: process.env.PATH, CASCTL_STORE: store }, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  closeSync(fd);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(`${LONG_NAME} ${LONG_ADDRESS}`));
  assert.ok(!text.includes('…'));
});

test('on a narrow terminal: lines fit, values cut, and exactly one line on stderr names -o list and -o csv', () => {
  const result = onTerminal(60);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.lines.length, 322);
  for (const line of result.lines) assert.ok(line.length <= 60, line);
  assert.match(result.lines[261] ?? '', /someone\.with\.a\.re…/);
  assert.equal(result.stderr.split('\n').length, 2, result.stderr);
  assert.match(result.stderr, /^WARNING: The table was cut to fit the terminal's 60 columns; -o list or -o csv shows every value in full\.\n$/);
});

test('COLUMNS, when set, is the width that counts', () => {
  const result = onTerminal(200, { COLUMNS: '50' });
  assert.equal(result.code, 0, result.stderr);
  for (const line of result.lines) assert.ok(line.length <= 50, line);
  assert.match(result.stderr, /cut to fit the terminal's 50 columns/);
});

test('on a terminal wide enough, nothing is cut and nothing is said', () => {
  const result = onTerminal(200);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.ok(!result.lines.some((line) => line.includes('…')));
  assert.match(result.lines[261] ?? '', new RegExp(`^${LONG_NAME} ${LONG_ADDRESS.replaceAll('.', '\\.')} True +True +True$`));
});
