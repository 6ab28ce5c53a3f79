import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { casctl, json, sampleStore, STORE_KINDS, tempDir, type CliResult } from '../helpers/cli.js';
import { SERVICES as REGISTRY_SERVICES } from '../../src/services/services.js';

type Row = Record<string, unknown>;
interface Pruned {
  WhatIf: boolean;
  ChangeId: number | null;
  Records: number;
  Items: number;
  KeptPending: number;
  KeptUndone: number;
}

// Every registry service: a config without a preset gives each its commands.
const SERVICES = REGISTRY_SERVICES.map((s) => s.Name);

/** Services whose restart and status commands succeed; each its own restart, so one can be restarted alone. */
function servicesConfig(): string {
  const path = join(tempDir(), 'casctl.config.json');
  writeFileSync(path, JSON.stringify({ services: { commands: Object.fromEntries(SERVICES.map((name) => [name, { restart: ['true', name], status: ['true'] }])) } }));
  return path;
}

async function ok(args: string[], store: string): Promise<CliResult> {
  const result = await casctl(args, { store });
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result;
}

const ids = async (store: string): Promise<number[]> => json<Row[]>(await ok(['get-changelog', '-o', 'json'], store)).map((r) => r.Id as number);

/** A moment strictly between the changes made before and after it. */
async function moment(): Promise<string> {
  await sleep(60);
  const at = new Date().toISOString();
  await sleep(60);
  return at;
}

for (const kind of STORE_KINDS) {
  describe(`prune-changelog on ${kind}`, () => {
    test('--before removes exactly the older records, asks first, and is recorded; undo of its record has nothing to undo', async () => {
      const store = await sampleStore(kind);
      const config = servicesConfig();
      await ok(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], store);
      await ok(['set-casmailbox', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false'], store);
      const cut = await moment();
      await ok(['set-casmailbox', 'rzaher', '--imap-enabled', 'false'], store);
      await ok(['restart-service', '--config', config], store);

      const whatIf = await ok(['prune-changelog', '--before', cut, '--what-if', '-o', 'json'], store);
      assert.deepEqual(json<Pruned>(whatIf), { ...json<Pruned>(whatIf), WhatIf: true, ChangeId: null, Records: 2, Items: 2, KeptPending: 0, KeptUndone: 0 });
      assert.match(whatIf.stderr, /What if: would remove 2 change records \(changes 1 to 2, 2 items\)/);
      const refused = await casctl(['prune-changelog', '--before', cut], { store });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /no terminal to confirm on.*nothing was removed/);
      assert.deepEqual(await ids(store), [1, 2, 3], 'neither the what-if nor the refusal removed anything');

      const pruned = await ok(['prune-changelog', '--before', cut, '--yes', '-o', 'json'], store);
      assert.equal(json<Pruned>(pruned).Records, 2);
      assert.equal(json<Pruned>(pruned).ChangeId, 4);
      assert.match(pruned.stderr, /Removed 2 change records \(changes 1 to 2, 2 items\); recorded as change 4\./);
      const log = json<Row[]>(await ok(['get-changelog', '-o', 'json'], store));
      assert.deepEqual(log.map((r) => r.Id), [3, 4]);
      assert.deepEqual(log[1]?.Changes, []);
      assert.equal(log[1]?.CommandLine, `casctl prune-changelog --before ${cut} --yes -o json # removed 2 change records (changes 1 to 2, 2 items) older than ${cut}`);

      const undo = await casctl(['undo', '4', '--yes'], { store });
      assert.equal(undo.code, 2);
      assert.match(undo.stderr, /Change 4 changed no mailbox \(casctl prune-changelog .*\), so there is nothing to undo/);
      const again = await ok(['prune-changelog', '--before', cut, '--yes'], store);
      assert.match(again.stderr, /Nothing to prune/);
      assert.deepEqual(await ids(store), [3, 4], 'a prune that removes nothing records nothing');
    });

    test('records a service has not refreshed past stay, and so does a record a staying undo names', async () => {
      const store = await sampleStore(kind);
      const config = servicesConfig();
      await ok(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], store);
      await ok(['set-casmailbox', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false'], store);
      const never = await ok(['prune-changelog', '--before', '2999-01-01', '--yes', '-o', 'json'], store);
      assert.deepEqual([json<Pruned>(never).Records, json<Pruned>(never).KeptPending], [0, 2]);
      assert.match(never.stderr, /WARNING: 2 change records older than .* stay: MSExchangePOP3 has never been refreshed/);

      await ok(['restart-service', '--config', config], store);
      await ok(['set-casmailbox', 'rzaher', '--imap-enabled', 'false'], store);
      await ok(['restart-service', 'pop3', 'pop3be', 'imap4', '--config', config], store);
      const pending = await ok(['prune-changelog', '--before', '2999-01-01', '--yes', '-o', 'json'], store);
      assert.deepEqual([json<Pruned>(pending).Records, json<Pruned>(pending).KeptPending], [2, 1]);
      assert.match(pending.stderr, /1 change record older than .* stay: MSExchangeIMAP4BE is refreshed only through change 2/);
      assert.deepEqual(await ids(store), [3, 4]);

      await ok(['undo', '3'], store);
      await ok(['restart-service', '--config', config], store);
      const cut = await moment();
      await ok(['undo', '5'], store);
      await ok(['restart-service', '--config', config], store);
      const undone = await ok(['prune-changelog', '--before', cut, '--yes', '-o', 'json'], store);
      // 3 and 5 are older, but 6 (newer) undid 5, which undid 3: both stay; only 4 goes.
      assert.deepEqual([json<Pruned>(undone).Records, json<Pruned>(undone).KeptUndone], [1, 2]);
      assert.deepEqual(await ids(store), [3, 5, 6, 7]);
      assert.equal(json<Row[]>(await ok(['get-changelog', '-o', 'json'], store))[2]?.UndoOf, 5);
    });
  });
}

test('prune-changelog --what-if leaves the SQLite store byte-for-byte unchanged', async () => {
  const store = await sampleStore();
  await ok(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], store);
  await ok(['restart-service', '--config', servicesConfig()], store);
  const checkpoint = (): string => {
    const db = new Database(store);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return createHash('sha256').update(readFileSync(store)).digest('hex');
  };
  const before = checkpoint();
  const whatIf = await ok(['prune-changelog', '--before', '2999-01-01', '-WhatIf'], store);
  assert.match(whatIf.stderr, /What if: would remove 1 change record \(change 1, 1 item\)/);
  assert.equal(checkpoint(), before);
});

test('-o ndjson: get-changelog writes one record per line, prune-changelog its result as the one line -o json writes', async () => {
  const store = await sampleStore();
  await ok(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], store);
  await ok(['set-casmailbox', 'rzaher', '--imap-enabled', 'false'], store);
  const [lines, array] = await Promise.all([ok(['get-changelog', '-o', 'ndjson'], store), ok(['get-changelog', '-o', 'json'], store)]);
  assert.deepEqual(lines.stdout.trimEnd().split('\n'), json<Row[]>(array).map((row) => JSON.stringify(row)));
  const args = ['prune-changelog', '--before', '2999-01-01', '--what-if'];
  const [ndjson, whole] = await Promise.all([ok([...args, '-o', 'ndjson'], store), ok([...args, '-o', 'json'], store)]);
  assert.equal(ndjson.stdout, whole.stdout);
  assert.equal(json<Pruned>(ndjson).Records, 0, 'no service has refreshed past them');
  assert.equal((await ok(args, store)).stdout, '', 'table: messages only');
});
