import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { csvField } from '../../../src/output/csv.js';
import { render, type View } from '../../../src/output/formats.js';
import type { OutputRecord } from '../../../src/output/values.js';

test('csvField neutralises would-be formulas with a leading quote, quoted (OWASP)', () => {
  assert.equal(csvField('=HYPERLINK("http://x")', false), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvField('+cmd', false), `"'+cmd"`);
  assert.equal(csvField('-Sales', false), `"'-Sales"`);
  assert.equal(csvField('@home', false), `"'@home"`);
  assert.equal(csvField('\t=1+1', false), `"'\t=1+1"`);
  assert.equal(csvField('\r=1+1', false), `"'\r=1+1"`);
});

test('csvField leaves other text as RFC 4180 has it', () => {
  assert.equal(csvField('Sales', false), 'Sales');
  assert.equal(csvField('a=b', false), 'a=b');
  assert.equal(csvField('R&D, West', false), '"R&D, West"');
  assert.equal(csvField(' edge', false), '" edge"');
  assert.equal(csvField('Müller', false), 'Müller');
});

test('csvField with raw writes formulas as they are, quoted only where RFC 4180 needs it', () => {
  assert.equal(csvField('=HYPERLINK("http://x")', true), `"=HYPERLINK(""http://x"")"`);
  assert.equal(csvField('+cmd', true), '+cmd');
  assert.equal(csvField('\tx', true), '"\tx"');
});

const VIEW: View = { properties: ['Name', 'Department'], defaults: ['Name', 'Department'], table: ['Name', 'Department'], id: 'Name' };
const HOSTILE: OutputRecord = { Name: 'Evil\x1b[2J\nFake', Department: '=cmd' };

async function rendered(format: 'table' | 'list' | 'json' | 'csv', csvRaw?: boolean): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await render([HOSTILE], out, { format, view: VIEW, properties: VIEW.defaults, colour: false, csvRaw });
  return Buffer.concat(chunks).toString('utf8');
}

test('render: table and list escape control characters, json and csv keep the exact text', async () => {
  const table = await rendered('table');
  assert.ok(!table.includes('\x1b'), JSON.stringify(table));
  assert.equal(table.trimEnd().split('\n').length, 3, 'header, rule, one row');
  assert.match(table, /Evil\\x1b\[2J\\nFake/);
  const list = await rendered('list');
  assert.ok(!list.includes('\x1b'));
  assert.match(list, /^Name +: Evil\\x1b\[2J\\nFake$/m);
  assert.deepEqual(JSON.parse(await rendered('json')), [HOSTILE]);
  assert.equal(await rendered('csv'), `Name,Department\r\n"Evil\x1b[2J\nFake","'=cmd"\r\n`);
  assert.equal(await rendered('csv', true), `Name,Department\r\n"Evil\x1b[2J\nFake",=cmd\r\n`);
});
