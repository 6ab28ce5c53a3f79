import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { CHANGE_HISTORY_FORMATTERS, writeChangeDetail } from '../../../src/output/change-history.js';
import { renderWith, type OutputFormat, type View } from '../../../src/output/formats.js';
import type { OutputRecord } from '../../../src/output/values.js';

const VIEW: View = {
  properties: ['Id', 'WhenChanged', 'User', 'SudoUser', 'Host', 'CommandLine', 'UndoOf', 'Mailboxes', 'Changes', 'State'],
  defaults: ['Id', 'WhenChanged', 'User', 'SudoUser', 'Host', 'CommandLine', 'UndoOf', 'Mailboxes', 'Changes', 'State'],
  table: ['Id', 'WhenChanged', 'User', 'Mailboxes', 'CommandLine'],
  id: 'Id',
};

const item = (guid: string, name: string | null, address: string | null, property: string, before: boolean): OutputRecord => ({
  Guid: guid, Name: name, PrimarySmtpAddress: address, Property: property, Before: before, After: !before,
});

const CHANGE: OutputRecord = {
  Id: 7, WhenChanged: '2026-12-02T06:41:05.123Z', User: 'root', SudoUser: 'alice', Host: 'mail1',
  CommandLine: 'casctl set-casmailbox x --pop-enabled false', UndoOf: 3, Mailboxes: 3,
  Changes: [
    item('g-0', null, null, 'PopEnabled', false),
    item('g-1', 'Evil\x1b[2J\nRow', '=cmd@x', 'PopEnabled', true),
    item('g-1', 'Evil\x1b[2J\nRow', '=cmd@x', 'ImapEnabled', true),
    item('g-2', 'Rand Zaher', 'rand.zaher@tailspintoys.com', 'ImapEnabled', true),
  ],
  State: 'Complete',
};
const PRUNE: OutputRecord = { ...CHANGE, Id: 8, SudoUser: null, UndoOf: null, Mailboxes: 0, Changes: [], CommandLine: 'casctl prune-changelog --before 1d' };

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function listing(format: OutputFormat, records: OutputRecord[], properties = VIEW.defaults): Promise<string> {
  const { out, text } = sink();
  await renderWith(CHANGE_HISTORY_FORMATTERS, records, out, { format, view: VIEW, properties, colour: false });
  return text();
}

async function detail(format: OutputFormat, record: OutputRecord, columns = VIEW.defaults): Promise<string> {
  const { out, text } = sink();
  await writeChangeDetail(record, out, { format, columns, view: VIEW, colour: false, csvRaw: false });
  return text();
}

test('listing, list: the items in words, a line per mailbox under Changes, control characters escaped; a prune has none', async () => {
  const text = await listing('list', [CHANGE, PRUNE]);
  assert.ok(!text.includes('{'), 'no JSON');
  assert.ok(text.includes(
    'Changes     : g-0 (removed since): PopEnabled False → True\n' +
    '              Evil\\x1b[2J\\nRow <=cmd@x>: PopEnabled True → False, ImapEnabled True → False\n' +
    '              Rand Zaher <rand.zaher@tailspintoys.com>: ImapEnabled True → False\n' +
    'State       : Complete\n\n'), text);
  assert.match(text, /UndoOf {6}: \nMailboxes {3}: 0\nChanges {5}: \nState {7}: Complete\n\n$/);
});

test('listing, csv: one row per item with the change\'s columns repeated, the item columns where Changes was; a prune is one row', async () => {
  const lines = (await listing('csv', [CHANGE, PRUNE])).split('\r\n');
  assert.equal(lines[0], 'Id,WhenChanged,User,SudoUser,Host,CommandLine,UndoOf,Mailboxes,Guid,Name,PrimarySmtpAddress,Property,Before,After,State');
  assert.equal(lines[1], '7,2026-12-02T06:41:05.123Z,root,alice,mail1,casctl set-casmailbox x --pop-enabled false,3,3,g-0,,,PopEnabled,False,True,Complete');
  assert.equal(lines[2], '7,2026-12-02T06:41:05.123Z,root,alice,mail1,casctl set-casmailbox x --pop-enabled false,3,3,g-1,"Evil\x1b[2J\nRow","\'=cmd@x",PopEnabled,True,False,Complete');
  assert.equal(lines.length, 7, 'header, 4 items, the prune, and the last CRLF');
  assert.equal(lines[5], '8,2026-12-02T06:41:05.123Z,root,,mail1,casctl prune-changelog --before 1d,,0,,,,,,,Complete');
  assert.equal(await listing('csv', [CHANGE], ['Id', 'State']), 'Id,State\r\n7,Complete\r\n', 'without Changes: a row per change');
});

test('listing, json and ndjson: the records as they are', async () => {
  assert.deepEqual(JSON.parse(await listing('json', [CHANGE])), [CHANGE]);
  assert.equal(await listing('ndjson', [CHANGE, PRUNE]), `${JSON.stringify(CHANGE)}\n${JSON.stringify(PRUNE)}\n`);
});

test('one change, table: who, when, from where, the command and the counts, then a row per mailbox as the --what-if plan shows it', async () => {
  const text = await detail('table', CHANGE);
  assert.equal(text.split('\n\n')[0], [
    'Id      : 7',
    'When    : 2026-12-02T06:41:05.123Z',
    'Who     : root (sudo: alice)',
    'From    : mail1',
    'Command : casctl set-casmailbox x --pop-enabled false',
    'Undoes  : change 3',
    'State   : Complete',
    'Changed : 3 mailboxes, 4 settings',
  ].join('\n'));
  const rows = text.split('\n\n')[1]?.split('\n') ?? [];
  assert.match(rows[0] ?? '', /^Name +PrimarySmtpAddress +Changes$/);
  assert.match(rows[2] ?? '', /^g-0 \(removed since\) +PopEnabled False → True$/);
  assert.match(rows[3] ?? '', /^Evil\\x1b\[2J\\nRow +=cmd@x +PopEnabled True → False, ImapEnabled True → False$/);
  const prune = await detail('table', PRUNE);
  assert.match(prune, /Who {5}: root\n/);
  assert.doesNotMatch(prune, /Undoes/);
  assert.match(prune, /Changed : no mailbox\n\n$/, 'no item table');
});

test('one change, list: its properties, then a block per mailbox with a line per setting', async () => {
  const text = await detail('list', CHANGE);
  assert.ok(text.startsWith('\nId          : 7\nWhenChanged : 2026-12-02T06:41:05.123Z\n'), text);
  assert.ok(text.includes('Mailboxes   : 3\nState       : Complete\n\n'), 'no Changes line in the header');
  assert.ok(text.endsWith([
    'Name               : Rand Zaher',
    'PrimarySmtpAddress : rand.zaher@tailspintoys.com',
    'Guid               : g-2',
    'ImapEnabled        : True → False',
    '', '',
  ].join('\n')), text);
  assert.ok(text.includes('Name               : Evil\\x1b[2J\\nRow\nPrimarySmtpAddress : =cmd@x\nGuid               : g-1\nPopEnabled         : True → False\nImapEnabled        : True → False\n'));
  assert.equal(await detail('list', CHANGE, ['Id', 'State']), '\nId    : 7\nState : Complete\n\n', 'without Changes: no mailbox blocks');
});

test('one change, csv as the listing writes it; json and ndjson the one object (chosen properties); id the Guid of each mailbox once', async () => {
  assert.equal(await detail('csv', CHANGE), await listing('csv', [CHANGE]));
  assert.equal(await detail('json', CHANGE), `${JSON.stringify(CHANGE)}\n`);
  assert.equal(await detail('ndjson', CHANGE), `${JSON.stringify(CHANGE)}\n`);
  assert.equal(await detail('json', CHANGE, ['Id', 'UndoOf']), '{"Id":7,"UndoOf":3}\n');
  assert.equal(await detail('id', CHANGE), 'g-0\ng-1\ng-2\n');
});
