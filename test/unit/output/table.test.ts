import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { render, type View } from '../../../src/output/formats.js';
import type { Terminal } from '../../../src/output/terminal.js';
import type { OutputRecord } from '../../../src/output/values.js';

const VIEW: View = { properties: ['Name', 'PrimarySmtpAddress', 'PopEnabled'], defaults: [], table: ['Name', 'PrimarySmtpAddress', 'PopEnabled'], id: 'Name' };
const LONG_NAME = 'Someone With A Really Remarkably Long Name Indeed';
const LONG_ADDRESS = 'someone.with.a.really.remarkably.long.address@example.com';

/** 300 mailboxes; the 260th, past the first rows a streaming table sizes its columns from, is the long one. */
function mailboxes(count = 300, long = 260): OutputRecord[] {
  return Array.from({ length: count }, (_, i) =>
    i + 1 === long ? { Name: LONG_NAME, PrimarySmtpAddress: LONG_ADDRESS, PopEnabled: true } : { Name: `U ${i}`, PrimarySmtpAddress: `u${i}@example.com`, PopEnabled: i % 2 === 0 });
}

async function table(records: OutputRecord[] | AsyncIterable<OutputRecord[]>, terminal?: Terminal, colour = false): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await render(records, out, { format: 'table', view: VIEW, properties: VIEW.table, colour, ...(terminal === undefined ? {} : { terminal }) });
  return Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
}

function terminal(width: number): Terminal & { said: string[] } {
  const said: string[] = [];
  return { width, notice: (text) => said.push(text), said };
}

test('off a terminal: every value whole and every column as wide as its widest value, the 260th row included', async () => {
  const lines = await table(mailboxes());
  assert.equal(lines.length, 302);
  assert.ok(!lines.some((line) => line.includes('…')));
  assert.equal(lines[261], `${LONG_NAME} ${LONG_ADDRESS} True`);
  const addressAt = (lines[0] ?? '').indexOf('PrimarySmtpAddress');
  assert.equal(addressAt, LONG_NAME.length + 1);
  assert.equal((lines[2] ?? '').indexOf('u0@example.com'), addressAt, 'the first rows are laid out for the long one');
  assert.match(lines[1] ?? '', /^-{4} +-{18} +-{10}$/);
  for (const line of lines) assert.equal(line, line.trimEnd(), 'no trailing spaces');
});

test('off a terminal, past what the spool holds in memory: the same table, from its temp file', async () => {
  // 40,000 rows of over 100 characters: more than the 4 Mi characters the spool keeps in memory.
  const many = Array.from({ length: 40_000 }, (_, i) => ({ Name: `Mailbox number ${i} of a long directory listing, with a long name, a longer one than most`, PrimarySmtpAddress: `mailbox${i}@example.com`, PopEnabled: true }));
  many[39_000] = { Name: LONG_NAME.repeat(2), PrimarySmtpAddress: LONG_ADDRESS, PopEnabled: false };
  async function* batches(): AsyncGenerator<OutputRecord[]> {
    for (let i = 0; i < many.length; i += 1000) yield many.slice(i, i + 1000);
  }
  const lines = await table(batches());
  assert.equal(lines.length, 40_002);
  assert.equal(lines[39_002], `${LONG_NAME.repeat(2)} ${LONG_ADDRESS} False`);
  assert.equal(lines[2], `${many[0]?.Name as string}${' '.repeat(LONG_NAME.length * 2 - (many[0]?.Name as string).length)} mailbox0@example.com${' '.repeat(LONG_ADDRESS.length - 20)} True`);
});

test('on a narrow terminal: lines fit it, values cut with an ellipsis, and one notice names -o list and -o csv', async () => {
  const narrow = terminal(40);
  const lines = await table(mailboxes(), narrow);
  for (const line of lines) assert.ok(line.length <= 40, line);
  assert.match(lines[261] ?? '', /^Some\S* .*…/);
  assert.ok(!(lines[261] ?? '').includes(LONG_ADDRESS));
  assert.equal(narrow.said.length, 1);
  assert.match(narrow.said[0] ?? '', /cut to fit the terminal's 40 columns.*-o list.*-o csv/);
});

test('on a terminal wide enough: nothing cut, no notice; a later, longer value pushes its line rather than losing characters', async () => {
  const wide = terminal(200);
  const lines = await table(mailboxes(), wide);
  assert.deepEqual(wide.said, []);
  assert.equal(lines[261], `${LONG_NAME} ${LONG_ADDRESS} True`);
  assert.equal(lines[2], 'U 0   u0@example.com     True', 'columns sized by the first rows, for a table that streams');
});

test('on a terminal, a later line too long for it is cut to the columns, and said', async () => {
  const medium = terminal(60);
  const lines = await table(mailboxes(), medium);
  assert.equal(lines[2], 'U 0   u0@example.com     True', 'the first rows fit as they are');
  assert.equal(lines[261], 'Some… someone.with.a.re… True', 'as today, but said');
  assert.equal(medium.said.length, 1);
});

test('on a terminal narrower than the column names, the names are cut too, and said', async () => {
  const tiny = terminal(20);
  const lines = await table([{ Name: 'a', PrimarySmtpAddress: 'b', PopEnabled: true }], tiny);
  assert.equal(lines[0], 'Name Primar… PopEna…');
  assert.equal(lines[1], '---- ------- -------');
  assert.equal(tiny.said.length, 1);
});

test('no records: no output at all, on a terminal or not; colour makes the header bold', async () => {
  assert.deepEqual(await table([]), []);
  assert.deepEqual(await table([], terminal(80)), []);
  const [head] = await table(mailboxes(1), undefined, true);
  assert.equal(head, '\x1b[1mName PrimarySmtpAddress PopEnabled\x1b[22m');
});
