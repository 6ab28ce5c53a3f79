import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { casctl, json, sampleStore, STORE_KINDS, tempDir, type CliOptions, type CliResult } from '../helpers/cli.js';

type Row = Record<string, unknown>;

async function ok(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const result = await casctl(args, options);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result;
}

/** Change 1: POP3 and IMAP4 off for two mailboxes; change 2: POP3 back on for one. */
async function history(store: string): Promise<void> {
  await ok(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes'], { store, env: { SUDO_USER: 'alice' } });
  await ok(['set-casmailbox', 'rzaher', '--pop-enabled', 'true'], { store });
}

/** A config file of its own directory (mode 0600, as the loader requires) holding `content`. */
function config(content: unknown): string {
  const path = join(tempDir(), 'casctl.config.json');
  writeFileSync(path, JSON.stringify(content), { mode: 0o600 });
  return path;
}

const LOCAL_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2}/;

for (const kind of STORE_KINDS) {
  describe(`get-changelog <id> on ${kind}`, () => {
    test('shows one change in full; an unknown id is not found (exit 1); --identity keeps only its items', async () => {
      const store = await sampleStore(kind);
      await history(store);
      const [first, second] = json<Row[]>(await ok(['get-changelog', '-o', 'json'], { store }));
      assert.deepEqual(json(await ok(['get-changelog', '1', '-o', 'json'], { store })), first, 'the listing\'s record, as one object');
      assert.deepEqual(json(await ok(['get-changelog', '--id', '2', '-o', 'json'], { store })), second);
      const table = await ok(['get-changelog', '1'], { store });
      assert.match(table.stdout, /^Id {6}: 1\nWhen {4}: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\nWho {5}: \S+ \(sudo: alice\)\nFrom {4}: \S+\n/);
      assert.match(table.stdout, /\nCommand : casctl set-casmailbox rzaher ebrunner@tailspintoys\.com --pop-enabled false --imap-enabled false --yes\nState {3}: Complete\nChanged : 2 mailboxes, 4 settings\n\n/);
      assert.match(table.stdout, /\nRand Zaher +rand\.zaher@tailspintoys\.com +PopEnabled True → False, ImapEnabled True → False\n/);
      const missing = await casctl(['get-changelog', '99', '-o', 'json'], { store });
      assert.equal(missing.code, 1);
      assert.equal(missing.stdout, '');
      assert.match(missing.stderr, /^ERROR: The change 99 couldn't be found on '.+'; 'casctl get-changelog' lists them\.\n$/);
      const rand = json<Row>(await ok(['get-changelog', '1', '--identity', 'rzaher', '-o', 'json'], { store }));
      assert.deepEqual((rand.Changes as Row[]).map((c) => [c.Name, c.Property]), [['Rand Zaher', 'PopEnabled'], ['Rand Zaher', 'ImapEnabled']]);
      assert.equal(rand.Mailboxes, 1);
      const untouched = await casctl(['get-changelog', '2', '--identity', 'ebrunner@tailspintoys.com'], { store });
      assert.equal(untouched.code, 1);
      assert.match(untouched.stderr, /Change 2 changed none of the mailboxes --identity names; 'casctl get-changelog 2' shows all it changed\./);
    });
  });
}

test('get-changelog <id> -o list, csv, ndjson and id', async () => {
  const store = await sampleStore();
  await history(store);
  const list = await ok(['get-changelog', '1', '-o', 'list'], { store });
  assert.match(list.stdout, /^\nId {10}: 1\n/);
  assert.match(list.stdout, /\nName {15}: Rand Zaher\nPrimarySmtpAddress : rand\.zaher@tailspintoys\.com\nGuid {15}: [0-9a-f-]{36}\nPopEnabled {9}: True → False\nImapEnabled {8}: True → False\n\n$/);
  const csv = (await ok(['get-changelog', '1', '-o', 'csv'], { store })).stdout.split('\r\n');
  assert.equal(csv[0], 'Id,WhenChanged,User,SudoUser,Host,CommandLine,UndoOf,Mailboxes,Guid,Name,PrimarySmtpAddress,Property,Before,After,State');
  assert.equal(csv.length, 6, 'a header and 4 items');
  assert.ok(csv.slice(1, 5).every((line) => line.startsWith('1,') && line.endsWith(',Complete') && !line.includes('{')));
  const [ndjson, whole] = await Promise.all([ok(['get-changelog', '1', '-o', 'ndjson'], { store }), ok(['get-changelog', '-o', 'ndjson'], { store })]);
  assert.equal(ndjson.stdout, `${whole.stdout.split('\n')[0]}\n`, 'the line the listing writes for it');
  const ids = (await ok(['get-changelog', '1', '-o', 'id'], { store })).stdout.trimEnd().split('\n');
  assert.equal(ids.length, 2, 'each mailbox once');
  const piped = json<Row[]>(await ok(['get-casmailbox', '-', '-o', 'json'], { store, input: ids.join('\n') }));
  assert.deepEqual(piped.map((m) => m.Name).sort(), ['Ebru Brunner', 'Rand Zaher']);
});

test('get-changelog <id>: what is refused (exit 2), and -Identity still names a mailbox', async () => {
  const store = await sampleStore();
  await history(store);
  const refused: [string[], RegExp][] = [
    [['get-changelog', 'rzaher'], /A change id is a whole number, not 'rzaher'; the changes to a mailbox are listed with --identity 'rzaher'\./],
    [['get-changelog', '1', '--id', '2'], /get-changelog shows one change; '1' and '2' name more than one\./],
    [['get-changelog', '1', '2'], /too many arguments/],
    [['get-changelog', '1', '--since', '1d'], /--since selects the changes to list; 'get-changelog 1' shows change 1 whenever it was made\./],
    [['get-changelog', '1', '--property', 'Id'], /--property chooses what list, csv, json and ndjson show of change 1/],
    [['get-changelog', '--local-time', '--utc'], /--local-time and --utc contradict each other/],
  ];
  for (const [args, message] of refused) {
    const result = await casctl(args, { store });
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, message);
  }
  assert.deepEqual(json(await ok(['get-changelog', '1', '--id', '1', '-o', 'json', '--property', 'Id'], { store })), { Id: 1 }, 'the same id twice is one');
  const named = json<Row[]>(await ok(['Get-ChangeLog', '-Identity', 'ebrunner@tailspintoys.com', '-o', 'json'], { store }));
  assert.deepEqual(named.map((r) => r.Id), [1], '-Identity filters by mailbox, as before');
  assert.deepEqual(json(await ok(['get-changelog', '-Id', '2', '-o', 'json', '--property', 'Id'], { store })), { Id: 2 }, '-Id is --id');
});

test('the listing: list and csv spell the items out, never as JSON', async () => {
  const store = await sampleStore();
  await history(store);
  const list = (await ok(['get-changelog', '-o', 'list'], { store })).stdout;
  assert.ok(!list.includes('{'), list);
  assert.match(list, /\nChanges {5}: Ebru Brunner <ebrunner@tailspintoys\.com>: PopEnabled True → False, ImapEnabled True → False\n {14}Rand Zaher <rand\.zaher@tailspintoys\.com>: PopEnabled True → False, ImapEnabled True → False\n/);
  assert.match(list, /\nChanges {5}: Rand Zaher <rand\.zaher@tailspintoys\.com>: PopEnabled False → True\n/);
  const csv = (await ok(['get-changelog', '-o', 'csv'], { store })).stdout.split('\r\n');
  assert.equal(csv.length, 7, 'a header, 4 + 1 items');
  assert.ok(csv.every((line) => !line.includes('{') && !line.includes('"Guid"')), 'no JSON in a cell');
  assert.match(csv[5] ?? '', /^2,.*,1,[0-9a-f-]{36},Rand Zaher,rand\.zaher@tailspintoys\.com,PopEnabled,False,True,Complete$/);
});

describe('times in a zone: table, list and csv; json and ndjson stay UTC', () => {
  for (const [tz, offset] of [['America/New_York', '-05:00'], ['Asia/Kolkata', '+05:30']] as const) {
    test(`--local-time with TZ=${tz}`, async () => {
      const store = await sampleStore();
      await history(store);
      const utc = json<Row[]>(await ok(['get-changelog', '-o', 'json'], { store }))[0]?.WhenChanged as string;
      const expected = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(utc));
      const shown = `${expected} ${offset}`;
      const env = { TZ: tz };
      const table = await ok(['get-changelog', '--local-time'], { store, env });
      assert.ok(table.stdout.includes(`\n1  ${shown} `), table.stdout);
      assert.ok((await ok(['get-changelog', '-o', 'list', '--local-time'], { store, env })).stdout.includes(`\nWhenChanged : ${shown}\n`));
      assert.ok((await ok(['get-changelog', '-o', 'csv', '--local-time'], { store, env })).stdout.includes(`\r\n1,${shown},`));
      assert.ok((await ok(['get-changelog', '1', '--local-time'], { store, env })).stdout.includes(`\nWhen    : ${shown}\n`));
      for (const format of ['json', 'ndjson']) {
        const text = (await ok(['get-changelog', '-o', format, '--local-time'], { store, env })).stdout;
        assert.ok(text.includes(`"WhenChanged":"${utc}"`) && !LOCAL_TIME.test(text), `${format} stays UTC`);
        assert.ok((await ok(['get-changelog', '1', '-o', format, '--local-time'], { store, env })).stdout.includes(`"WhenChanged":"${utc}"`));
      }
      assert.ok((await ok(['get-changelog'], { store, env })).stdout.includes(`\n1  ${utc} `), 'without --local-time: UTC, as stored');
    });
  }

  test('the config\'s "timeZone": local or a named zone; --utc overrides it; json stays UTC', async () => {
    const store = await sampleStore();
    await history(store);
    const utc = json<Row[]>(await ok(['get-changelog', '-o', 'json'], { store }))[0]?.WhenChanged as string;
    const kolkata = `${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Kolkata', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(utc))} +05:30`;
    const local = config({ store, timeZone: 'local' });
    assert.ok((await ok(['get-changelog', '-o', 'csv', '--config', local], { store, env: { TZ: 'Asia/Kolkata' } })).stdout.includes(`\r\n1,${kolkata},`));
    const named = config({ store, timeZone: 'Asia/Kolkata' });
    assert.ok((await ok(['get-changelog', '-o', 'csv', '--config', named], { store, env: { TZ: 'America/New_York' } })).stdout.includes(`\r\n1,${kolkata},`), 'the zone named, not TZ');
    assert.ok((await ok(['get-changelog', '-o', 'csv', '--config', named, '--utc'], { store })).stdout.includes(`\r\n1,${utc},`));
    assert.ok((await ok(['get-changelog', '-o', 'json', '--config', named], { store })).stdout.includes(`"WhenChanged":"${utc}"`));
    const bad = await casctl(['get-changelog', '--config', config({ store, timeZone: 'Mars/Olympus' })], { store });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /"timeZone" must be "UTC", "local" \(the machine's zone; TZ is respected\) or an IANA zone name such as "Europe\/Berlin", not "Mars\/Olympus"\./);
  });
});
