import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { Shape } from '../../../src/output/formatter.js';
import { FORMATTERS, type OutputFormat } from '../../../src/output/formatters.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, render, type Records, type RenderOptions, type View } from '../../../src/output/formats.js';
import type { OutputRecord } from '../../../src/output/values.js';

const VIEW: View = { properties: ['Name', 'Enabled', 'Tags', 'Extra'], defaults: ['Name', 'Enabled', 'Tags'], table: ['Name', 'Enabled'], id: 'Name' };

async function rendered(records: Records, options: Partial<RenderOptions> & { format: OutputFormat }): Promise<{ text: string; count: number }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const properties = options.properties ?? chooseProperties(VIEW, options.format, undefined);
  const count = await render(records, out, { view: VIEW, colour: false, ...options, properties });
  return { text: Buffer.concat(chunks).toString('utf8'), count };
}

const UNICODE: OutputRecord = { Name: 'Jürgen 👩‍💻 Ærin', Enabled: true, Tags: ['a', 'b'], Extra: 'not shown' };
const HOSTILE: OutputRecord = { Name: 'Evil\x1b[2J\n"quoted", =cmd\u2028', Enabled: false, Tags: [], Extra: null };
const HEAD: OutputRecord = { WhatIf: true, ChangeId: null, Summary: { Changed: 2 } };
const ENVELOPE: Shape = { kind: 'envelope', head: HEAD, list: 'Items' };

test('the registry has every format DESIGN.md §5 names, and a listing offers them all', () => {
  assert.deepEqual(Object.keys(FORMATTERS), ['table', 'list', 'json', 'ndjson', 'csv', 'id']);
  assert.deepEqual(OUTPUT_FORMATS, Object.keys(FORMATTERS));
  assert.ok(Object.isFrozen(FORMATTERS));
});

test('parseOutputFormat: any case and edge spaces; a format outside the command\'s subset is refused, named for the command', () => {
  assert.equal(parseOutputFormat(' NDJSON ', OUTPUT_FORMATS), 'ndjson');
  assert.throws(() => parseOutputFormat('xml', OUTPUT_FORMATS), /Unknown output format 'xml'\. Use one of: table, list, json, ndjson, csv, id\./);
  assert.throws(() => parseOutputFormat('csv', ['table', 'json'], 'for a change'), /Unknown output format 'csv' for a change\. Use one of: table, json\./);
});

describe('a listing (shape list)', () => {
  test('json: the chosen properties in order, one record per line, exact text', async () => {
    const { text, count } = await rendered([UNICODE, HOSTILE], { format: 'json' });
    assert.equal(count, 2);
    assert.equal(text, `[\n  ${JSON.stringify({ Name: UNICODE.Name, Enabled: true, Tags: ['a', 'b'] })},\n  ${JSON.stringify({ Name: HOSTILE.Name, Enabled: false, Tags: [] })}\n]\n`);
  });

  test('ndjson: one object per line, nothing around them; control characters escaped by JSON', async () => {
    const { text, count } = await rendered([UNICODE, HOSTILE], { format: 'ndjson' });
    assert.equal(count, 2);
    const lines = text.split('\n');
    assert.equal(lines.length, 3, 'two lines and the final newline');
    assert.equal(lines[2], '');
    assert.deepEqual(JSON.parse(lines[0] ?? ''), { Name: UNICODE.Name, Enabled: true, Tags: ['a', 'b'] });
    assert.deepEqual(JSON.parse(lines[1] ?? ''), { Name: HOSTILE.Name, Enabled: false, Tags: [] });
    assert.ok(!text.includes('\x1b'), 'JSON escapes ESC');
  });

  test('csv: header, True/False, ; for collections, RFC 4180 quoting, formulas neutralised unless raw', async () => {
    assert.equal((await rendered([UNICODE, HOSTILE], { format: 'csv' })).text,
      `Name,Enabled,Tags\r\n${UNICODE.Name as string},True,a;b\r\n"Evil\x1b[2J\n""quoted"", =cmd\u2028",False,\r\n`);
    assert.equal((await rendered([{ Name: '=1+1', Enabled: true, Tags: [] }], { format: 'csv', csvRaw: true })).text, 'Name,Enabled,Tags\r\n=1+1,True,\r\n');
    assert.equal((await rendered([{ Name: '=1+1', Enabled: true, Tags: [] }], { format: 'csv' })).text, `Name,Enabled,Tags\r\n"'=1+1",True,\r\n`);
  });

  test('table and list: PowerShell values, control characters shown escaped, wide characters aligned', async () => {
    const table = (await rendered([UNICODE, HOSTILE], { format: 'table' })).text;
    assert.ok(!table.includes('\x1b'));
    const lines = table.trimEnd().split('\n');
    assert.equal(lines.length, 4, 'header, rule, two rows');
    assert.match(lines[1] ?? '', /^-{4} +-{7}$/);
    assert.match(lines[2] ?? '', /^Jürgen 👩‍💻 Ærin +True$/);
    assert.match(lines[3] ?? '', /^Evil\\x1b\[2J\\n"quoted", =cmd\\u2028 +False$/);
    const list = (await rendered([UNICODE], { format: 'list' })).text;
    assert.equal(list, '\nName    : Jürgen 👩‍💻 Ærin\nEnabled : True\nTags    : {a, b}\n\n');
  });

  test('a huge value: the table writes it whole off a terminal without widening the other rows past the cap, cuts it on one; json keeps every character', async () => {
    const huge = { Name: 'x'.repeat(5000), Enabled: true, Tags: [] };
    const table = (await rendered([huge, UNICODE], { format: 'table' })).text;
    const lines = table.trimEnd().split('\n');
    assert.equal(lines.length, 4, 'header, rule, two rows');
    assert.equal(lines[2], `${huge.Name} True`, 'the huge value whole, then its other column');
    for (const line of [lines[0], lines[1], lines[3]]) assert.ok((line ?? '').length <= 200 + 1 + 'Enabled'.length, 'no other line wider than the cap and the other column');
    const notices: string[] = [];
    const fitted = (await rendered([huge], { format: 'table', terminal: { width: 80, notice: (text) => notices.push(text) } })).text;
    assert.ok(fitted.split('\n').every((line) => line.length <= 80), fitted);
    assert.match(fitted, /^x+… True$/m);
    assert.equal(notices.length, 1);
    assert.ok((await rendered([huge], { format: 'json' })).text.includes(huge.Name));
  });

  test('id: one identity per line', async () => {
    assert.equal((await rendered([UNICODE, HOSTILE], { format: 'id' })).text, `${UNICODE.Name as string}\n${HOSTILE.Name as string}\n`);
  });

  test('empty results: json [], csv a header, the others nothing at all', async () => {
    const expected: Record<OutputFormat, string> = { table: '', list: '', json: '[]\n', ndjson: '', csv: 'Name,Enabled,Tags\r\n', id: '' };
    for (const format of OUTPUT_FORMATS) {
      const { text, count } = await rendered([], { format });
      assert.equal(text, expected[format], format);
      assert.equal(count, 0);
    }
  });

  test('batches from an async stream render as one list', async () => {
    async function* batches(): AsyncGenerator<OutputRecord[]> {
      yield [UNICODE];
      yield [];
      yield [HOSTILE];
    }
    assert.equal((await rendered(batches(), { format: 'json' })).text, (await rendered([UNICODE, HOSTILE], { format: 'json' })).text);
    assert.equal((await rendered(batches(), { format: 'csv' })).text, (await rendered([UNICODE, HOSTILE], { format: 'csv' })).text);
  });
});

describe('a result with an envelope (a change, an audit)', () => {
  test('json: the head fields, then the list under its name; an empty list is []', async () => {
    const { text, count } = await rendered([UNICODE], { format: 'json', shape: ENVELOPE });
    assert.equal(count, 1);
    assert.equal(text, `{"WhatIf":true,"ChangeId":null,"Summary":{"Changed":2},"Items":[\n  ${JSON.stringify({ Name: UNICODE.Name, Enabled: true, Tags: ['a', 'b'] })}\n]}\n`);
    assert.equal((await rendered([], { format: 'json', shape: ENVELOPE })).text, '{"WhatIf":true,"ChangeId":null,"Summary":{"Changed":2},"Items":[]}\n');
  });

  test('ndjson: the items only, one per line; the head is not a record', async () => {
    const { text } = await rendered([UNICODE, HOSTILE], { format: 'ndjson', shape: ENVELOPE });
    assert.deepEqual(text.trimEnd().split('\n').map((line) => Object.keys(JSON.parse(line) as object)), [['Name', 'Enabled', 'Tags'], ['Name', 'Enabled', 'Tags']]);
    assert.equal((await rendered([], { format: 'ndjson', shape: ENVELOPE })).text, '');
  });

  test('json writes a record with a long array piece by piece, to the same text JSON.stringify makes', async () => {
    const long = { Name: 'rule', Enabled: true, Tags: Array.from({ length: 2500 }, (_, i) => ({ Guid: `g${i}`, Reason: 'é"\n' })) };
    const { text } = await rendered([long, UNICODE], { format: 'json', shape: ENVELOPE });
    assert.equal(text, `{"WhatIf":true,"ChangeId":null,"Summary":{"Changed":2},"Items":[\n  ${JSON.stringify(long)},\n  ${JSON.stringify({ Name: UNICODE.Name, Enabled: true, Tags: ['a', 'b'] })}\n]}\n`);
  });

  test('table and list show what the command makes of a record, and leave out what it hides', async () => {
    const shown = (record: OutputRecord): OutputRecord | null => (record.Enabled === true ? { Name: `${String(record.Name)}!`, Enabled: 'yes' } : null);
    const table = (await rendered([UNICODE, HOSTILE], { format: 'table', shape: ENVELOPE, shown })).text;
    assert.equal(table.trimEnd().split('\n').length, 3);
    assert.match(table, /Ærin! +yes/);
    assert.equal((await rendered([HOSTILE], { format: 'table', shown })).text, '', 'nothing shown, not even a header');
    const json = (await rendered([UNICODE, HOSTILE], { format: 'json', shown })).text;
    assert.equal((JSON.parse(json) as unknown[]).length, 2, 'json has every record as it is');
  });
});

describe('a result that is one object (a prune)', () => {
  test('json and ndjson: the object on one line, every field', async () => {
    const record = { WhatIf: false, ChangeId: 7, Note: 'ü\n' };
    for (const format of ['json', 'ndjson'] as const) {
      assert.equal((await rendered([record], { format, shape: { kind: 'object' } })).text, `${JSON.stringify(record)}\n`, format);
    }
  });
});
