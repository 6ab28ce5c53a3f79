import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { CHANGE_FORMATS, writeChangeResult, type ChangeFormat, type ChangeResult } from '../../../src/cli/change-report.js';
import type { PlanItem } from '../../../src/core/plan.js';

const ITEMS: PlanItem[] = [
  {
    Guid: 'a1', Name: 'Zoë\x1b[31m', PrimarySmtpAddress: 'zoe@example.com', namedAs: { identity: 'zoe', source: 'argument' }, status: 'change',
    changes: [{ property: 'PopEnabled', before: true, after: false }],
  },
  { Guid: 'b2', Name: 'Bo', PrimarySmtpAddress: 'bo@example.com', namedAs: undefined, status: 'unchanged', changes: [] },
];
const SUMMARY = { Changed: 1, Unchanged: 1, Refused: 0, NotFound: 0, Ambiguous: 0, Failed: 0 };

async function written(format: ChangeFormat, result: ChangeResult, items: readonly PlanItem[] = ITEMS): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeChangeResult(out, items, result, format, false);
  return Buffer.concat(chunks).toString('utf8');
}

const ITEM_JSON = [
  '{"Guid":"a1","Name":"Zoë\\u001b[31m","PrimarySmtpAddress":"zoe@example.com","Identity":"zoe","Source":"argument","Status":"change","Changes":[{"Property":"PopEnabled","Before":true,"After":false}]}',
  '{"Guid":"b2","Name":"Bo","PrimarySmtpAddress":"bo@example.com","Identity":null,"Source":null,"Status":"unchanged","Changes":[]}',
];

test('a change reports as table, json or ndjson', () => {
  assert.deepEqual(CHANGE_FORMATS, ['table', 'json', 'ndjson']);
});

test('json: WhatIf, ChangeId, Summary and Impact, then every item, one per line', async () => {
  const result = { WhatIf: false, ChangeId: 12, Summary: SUMMARY, Impact: null };
  assert.equal(await written('json', result), `{"WhatIf":false,"ChangeId":12,"Summary":${JSON.stringify(SUMMARY)},"Impact":null,"Items":[\n  ${ITEM_JSON.join(',\n  ')}\n]}\n`);
  assert.equal(await written('json', result, []), `{"WhatIf":false,"ChangeId":12,"Summary":${JSON.stringify(SUMMARY)},"Impact":null,"Items":[]}\n`);
});

test('ndjson: the items only, unchanged ones too, one JSON object per line', async () => {
  assert.equal(await written('ndjson', { WhatIf: true, ChangeId: null, Summary: SUMMARY, Impact: null }), `${ITEM_JSON.join('\n')}\n`);
  assert.equal(await written('ndjson', { WhatIf: false, ChangeId: 3, Summary: SUMMARY, Impact: null }, []), '');
});

test('table: with --what-if the items that change, their changes in words, escaped; applied, nothing', async () => {
  const plan = await written('table', { WhatIf: true, ChangeId: null, Summary: SUMMARY, Impact: null });
  assert.deepEqual(plan.trimEnd().split('\n'), [
    'Name        PrimarySmtpAddress Status Changes',
    '----        ------------------ ------ -------',
    'Zoë\\x1b[31m zoe@example.com    change PopEnabled True → False',
  ]);
  assert.equal(await written('table', { WhatIf: false, ChangeId: 4, Summary: SUMMARY, Impact: null }), '');
});
