/**
 * A bulk change at the size admins run on a MySQL store (a real MariaDB): 10,000 mailboxes named
 * in a file, set in one transaction with their history; timings are printed, not asserted.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { mariaDbSkipReason, startMariaDb, type MariaDb } from '../helpers/mariadb.js';

const COUNT = 10_000;

describe('a 10,000-mailbox set-casmailbox --file on MariaDB', { skip: mariaDbSkipReason() }, () => {
  let mariadb: MariaDb;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]): Promise<CliResult> => casctl(args, { env });
  const timed = async (args: string[]): Promise<[CliResult, number]> => {
    const started = Date.now();
    const result = await run(args);
    assert.equal(result.code, 0, result.stderr);
    return [result, Date.now() - started];
  };

  before(async () => {
    mariadb = await startMariaDb();
    env = { CASCTL_STORE: await mariadb.createDatabase(), ...mariadb.env('service') };
  });
  after(async () => {
    await mariadb?.stop();
  });

  test('import, set --file, undo: every mailbox changed and recorded, in one change each', async (t) => {
    const dir = tempDir();
    const csv = join(dir, 'big.csv');
    const lines = ['Name,PrimarySmtpAddress,OrganizationalUnit,Department,StateOrProvince,PopEnabled,ImapEnabled'];
    for (let i = 0; i < COUNT; i++) lines.push(`User ${i},user${i}@big.example,big.example/Region ${i % 7}/Team ${i % 31},Dept ${i % 13},S${i % 50},true,true`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const file = join(dir, 'accounts.txt');
    writeFileSync(file, `${Array.from({ length: COUNT }, (_, i) => `user${i}@big.example`).join('\n')}\n`);

    const [, init] = await timed(['init']);
    const [, imported] = await timed(['import', csv]);
    const [set, setMs] = await timed(['set-casmailbox', '--file', file, '--pop-enabled', 'false', '--yes']);
    assert.match(set.stderr, /Recorded as change 1/);
    t.diagnostic(`MariaDB, ${COUNT} mailboxes: init ${init} ms, import ${imported} ms, set-casmailbox --file ${setMs} ms`);
    const [counted, countMs] = await timed(['get-casmailbox', '--filter', 'PopEnabled -eq $false', '-o', 'id']);
    assert.equal(counted.stdout.trim().split('\n').length, COUNT);
    const [log] = json<{ Changes: unknown[] }[]>(await run(['get-changelog', '-o', 'json']));
    assert.equal(log?.Changes.length, COUNT);
    const [, undoMs] = await timed(['undo', '1', '--yes']);
    const [audit, auditMs] = await timed(['get-casmailbox', '--filter', "PopEnabled -eq $true -and Department -eq 'Dept 3'", '-o', 'id']);
    assert.equal(audit.stdout.trim().split('\n').length, Math.ceil((COUNT - 3) / 13));
    t.diagnostic(`MariaDB, ${COUNT} mailboxes: filtered read of ${COUNT} ${countMs} ms, undo ${undoMs} ms, filtered audit read ${auditMs} ms`);
  });
});
