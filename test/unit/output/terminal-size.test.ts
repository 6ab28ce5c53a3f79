import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalOf } from '../../../src/output/terminal.js';

const quiet = (): void => undefined;

test('no terminal for a file or a pipe: the table is written whole', () => {
  assert.equal(terminalOf({ isTTY: false, columns: 80 }, {}, quiet), undefined);
  assert.equal(terminalOf({}, { COLUMNS: '80' }, quiet), undefined);
});

test('the width: COLUMNS when it is a positive number, else what the terminal reports, else 80', () => {
  assert.equal(terminalOf({ isTTY: true, columns: 132 }, {}, quiet)?.width, 132);
  assert.equal(terminalOf({ isTTY: true, columns: 132 }, { COLUMNS: '40' }, quiet)?.width, 40);
  assert.equal(terminalOf({ isTTY: true, columns: 132 }, { COLUMNS: ' 40 ' }, quiet)?.width, 40);
  for (const junk of ['', '0', '-5', 'wide', '4.5']) assert.equal(terminalOf({ isTTY: true, columns: 132 }, { COLUMNS: junk }, quiet)?.width, 132, junk);
  assert.equal(terminalOf({ isTTY: true, columns: 0 }, {}, quiet)?.width, 80, 'a terminal without a size');
  assert.equal(terminalOf({ isTTY: true }, {}, quiet)?.width, 80);
});

test('the notice speaks once, however many tables a command writes', () => {
  const said: string[] = [];
  const terminal = terminalOf({ isTTY: true, columns: 80 }, {}, (text) => said.push(text));
  terminal?.notice('cut');
  terminal?.notice('cut again');
  assert.deepEqual(said, ['cut']);
});
