import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { casctl, json, sampleStore, STORE_KINDS } from '../helpers/cli.js';

type Row = Record<string, unknown>;
interface ChangeResult {
  WhatIf: boolean;
  ChangeId: number | null;
  Summary: Record<string, number>;
  Items: { Name: string; Status: string; Changes: { Property: string; Before: boolean; After: boolean }[] }[];
}

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function checkpoint(path: string): void {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function cas(store: string, identity: string): Promise<Row> {
  const [row] = json<Row[]>(await casctl(['get-casmailbox', identity, '-o', 'json'], { store }));
  assert.ok(row, identity);
  return row;
}

test('--what-if prints the plan and leaves the store byte-for-byte unchanged', async () => {
  const store = await sampleStore();
  checkpoint(store);
  const before = digest(store);
  const table = await casctl(['set-casmailbox', '--organizational-unit', 'IT', '--pop-enabled', 'true', '--imap-enabled', 'false', '-WhatIf'], { store });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /Name\s+PrimarySmtpAddress\s+Status\s+Changes/);
  assert.match(table.stdout, /Administrator\s+administrator@tailspintoys\.com\s+refused/);
  assert.match(table.stderr, /What if: would change \d+/);
  const result = await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--what-if', '-o', 'json'], { store });
  assert.equal(result.code, 0, result.stderr);
  const plan = json<ChangeResult>(result);
  assert.equal(plan.WhatIf, true);
  assert.equal(plan.ChangeId, null);
  assert.equal(plan.Summary.Changed, 2);
  assert.deepEqual(plan.Items.map((i) => i.Changes), [[{ Property: 'PopEnabled', Before: true, After: false }], [{ Property: 'PopEnabled', Before: true, After: false }]]);
  checkpoint(store);
  assert.equal(digest(store), before);
});

test('secrets never reach the change history', async () => {
  const { recordedCommandLine } = await import('../../src/core/command-line.js');
  assert.equal(recordedCommandLine(['x', '--password', 'hunter2', '--bind-password=s3cret', '-Password:abc', 'Rand Zaher']),
    "casctl x --password *** --bind-password=*** -Password:*** 'Rand Zaher'");
});

test('on a terminal, a bulk change shows a sample and asks; yes applies, no changes nothing, Ctrl-C changes nothing and exits 130', async () => {
  const { spawnSync } = await import('node:child_process');
  const { BIN, ROOT } = await import('../helpers/cli.js');
  const store = await sampleStore();
  const ask = (answer: string): { code: number | null; output: string } => {
    const result = spawnSync('python3', [`${ROOT}/test/helpers/pty-answer.py`, 'Change these 2 mailboxes\\?', answer, process.execPath, BIN,
      'set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false'], { env: { PATH: process.env.PATH, CASCTL_STORE: store }, encoding: 'utf8' });
    return { code: result.status, output: result.stdout };
  };
  const interrupted = ask('\\x03');
  assert.equal(interrupted.code, 130, interrupted.output);
  assert.match(interrupted.output, /Nothing was changed\./);
  assert.equal((await cas(store, 'rzaher')).PopEnabled, true, 'Ctrl-C at the question changes nothing');
  const no = ask('n\\r');
  assert.equal(no.code, 0, no.output);
  assert.match(no.output, /About to change 2 mailboxes:\r?\n {2}Rand Zaher <rand\.zaher@tailspintoys\.com>: PopEnabled True → False/);
  assert.match(no.output, /Nothing was changed\./);
  assert.equal((await cas(store, 'rzaher')).PopEnabled, true);
  const yes = ask('y\\r');
  assert.equal(yes.code, 0, yes.output);
  assert.match(yes.output, /Changed 2,/);
  assert.equal((await cas(store, 'rzaher')).PopEnabled, false);
  assert.equal((await cas(store, 'ebrunner@tailspintoys.com')).PopEnabled, false);
});

test('-Confirm asks even for one mailbox, -WhatIf:$false is no what-if, and --yes with --confirm is refused', async () => {
  const { spawnSync } = await import('node:child_process');
  const { BIN, ROOT } = await import('../helpers/cli.js');
  const store = await sampleStore();
  const asked = spawnSync('python3', [`${ROOT}/test/helpers/pty-answer.py`, 'Change this mailbox\\?', 'n\\r', process.execPath, BIN,
    'Set-CASMailbox', 'rzaher', '-PopEnabled:$false', '-Confirm'], { env: { PATH: process.env.PATH, CASCTL_STORE: store }, encoding: 'utf8' });
  assert.equal(asked.status, 0, asked.stdout);
  assert.match(asked.stdout, /About to change 1 mailbox:/);
  assert.equal((await cas(store, 'rzaher')).PopEnabled, true, 'answered no');
  const noTerminal = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false', '-Confirm:$true'], { store });
  assert.equal(noTerminal.code, 2);
  assert.match(noTerminal.stderr, /This would change 1 mailbox and there is no terminal to confirm on/);
  const both = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false', '--yes', '-Confirm'], { store });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--yes \(-Confirm:\$false\) and --confirm \(-Confirm\) contradict each other/);
  assert.equal((await casctl(['prune-changelog', '--before', '1d', '-Confirm:$false', '-Confirm'], { store })).code, 2);
  assert.equal((await cas(store, 'rzaher')).PopEnabled, true);
  const applied = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false', '-WhatIf:$false'], { store });
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal((await cas(store, 'rzaher')).PopEnabled, false, '-WhatIf:$false applies');
});

test('another admin changing some of the mailboxes between plan and write: the summaries of both runs add up', async () => {
  const { spawnSync } = await import('node:child_process');
  const { BIN, ROOT } = await import('../helpers/cli.js');
  const store = await sampleStore();
  const members = ['rzaher', 'ebrunner@tailspintoys.com', 'zoe.muller@tailspintoys.com', 'sara.hansen@tailspintoys.com'];
  // While the first run waits at its prompt, a second one disables POP3 for two of its four mailboxes.
  const other = [process.execPath, BIN, 'set-casmailbox', 'rzaher', 'zoe.muller@tailspintoys.com', '--pop-enabled', 'false', '--yes', '--store', store];
  const result = spawnSync('python3', [`${ROOT}/test/helpers/pty-answer.py`, 'Change these 4 mailboxes\\?', 'y\\r', process.execPath, BIN, 'set-casmailbox', ...members, '--pop-enabled', 'false'], {
    env: { PATH: process.env.PATH, CASCTL_STORE: store, PTY_BEFORE_ANSWER: JSON.stringify(other) },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stdout);
  assert.match(result.stdout, /2 of the mailboxes to change already had the settings when the change was written: another change got there first/);
  assert.match(result.stdout, /Changed 2, unchanged 2, refused 0/);
  for (const member of members) assert.equal((await cas(store, member)).PopEnabled, false);
  const changes = json<{ Id: number; Changes: unknown[] }[]>(await casctl(['get-changelog', '-o', 'json'], { store }));
  assert.deepEqual(changes.map((c) => c.Changes.length), [2, 2], 'each mailbox changed by exactly one of the two runs');
});

// Store-agnostic: these run on SQLite and on LDAP.
for (const kind of STORE_KINDS) {
  describe(`on ${kind}`, () => {
    test('without a terminal and without --yes, a bulk change is refused, never a hang', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['set-casmailbox', '--organizational-unit', 'North America/Finance', '--pop-enabled', 'false'], { store });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /This would change \d+ mailboxes and there is no terminal to confirm on/);
      assert.deepEqual(json(await casctl(['get-changelog', '-o', 'json'], { store })), [], 'nothing was changed');
    });

    test('--atomic: one failed item and nothing changes; without it the rest apply and the exit is 1', async () => {
      const store = await sampleStore(kind);
      const atomic = await casctl(['set-casmailbox', 'rzaher', 'nobody@tailspintoys.com', '--pop-enabled', 'false', '--yes', '--atomic'], { store });
      assert.equal(atomic.code, 1);
      assert.match(atomic.stderr, /Nothing was changed: --atomic/);
      assert.equal((await cas(store, 'rzaher')).PopEnabled, true);
      const refused = await casctl(['set-casmailbox', 'rzaher', 'Administrator', '--pop-enabled', 'true', '--yes', '--atomic'], { store });
      assert.equal(refused.code, 1);
      const partial = await casctl(['set-casmailbox', 'rzaher', 'nobody@tailspintoys.com', '--pop-enabled', 'false', '--yes', '-o', 'json'], { store });
      assert.equal(partial.code, 1);
      const summary = json<ChangeResult>(partial).Summary;
      assert.equal(summary.Changed, 1);
      assert.equal(summary.NotFound, 1);
      assert.match(partial.stderr, /Changed 1, unchanged 0, refused 0, not found 1, ambiguous 0, failed 0\./);
      assert.equal((await cas(store, 'rzaher')).PopEnabled, false);
    });

    test('every applied change is recorded: who, where, the command line, each before and after', async () => {
      const store = await sampleStore(kind);
      const set = await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes'], {
        store,
        env: { SUDO_USER: 'alice' },
      });
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stderr, /Recorded as change 1; undo it with: casctl undo 1/);
      const log = await casctl(['get-changelog', '-o', 'json'], { store });
      const [record] = json<Row[]>(log);
      assert.ok(record);
      assert.equal(record.Id, 1);
      assert.equal(record.SudoUser, 'alice');
      assert.equal(typeof record.User, 'string');
      assert.equal(typeof record.Host, 'string');
      assert.equal(record.CommandLine, 'casctl set-casmailbox rzaher ebrunner@tailspintoys.com --pop-enabled false --imap-enabled false --yes');
      assert.equal(record.Mailboxes, 2);
      assert.equal((record.Changes as Row[]).length, 4);
      assert.deepEqual((record.Changes as Row[]).find((c) => c.Name === 'Rand Zaher' && c.Property === 'PopEnabled'), {
        Guid: (await cas(store, 'rzaher')).Guid, Name: 'Rand Zaher', PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', Property: 'PopEnabled', Before: true, After: false,
      });
      const noop = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], { store });
      assert.equal(noop.code, 0);
      assert.equal(json<Row[]>(await casctl(['get-changelog', '-o', 'json'], { store })).length, 1, 'a no-op records nothing');
      const filtered = await casctl(['get-changelog', '--identity', 'hrim@tailspintoys.com', '-o', 'json'], { store });
      assert.deepEqual(json(filtered), []);
      const since = await casctl(['get-changelog', '--since', '1h', '-o', 'csv'], { store });
      assert.match(since.stdout, /^Id,WhenChanged,User,SudoUser,Host,CommandLine,UndoOf,Mailboxes,Guid,Name,PrimarySmtpAddress,Property,Before,After,State\r\n1,/);
      const future = await casctl(['get-changelog', '--since', '2999-01-01', '-o', 'json'], { store });
      assert.deepEqual(json(future), []);
    });

    test('undo restores the before values, is recorded, and can itself be undone', async () => {
      const store = await sampleStore(kind);
      await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--imap-enabled', 'false', '--yes'], { store });
      const whatIf = await casctl(['undo', '1', '--what-if', '-o', 'json'], { store });
      assert.equal(json<ChangeResult>(whatIf).Summary.Changed, 2);
      assert.equal((await cas(store, 'rzaher')).PopEnabled, false, 'what-if changed nothing');
      const undo = await casctl(['undo', '1', '--yes'], { store });
      assert.equal(undo.code, 0, undo.stderr);
      for (const who of ['rzaher', 'ebrunner@tailspintoys.com']) {
        const row = await cas(store, who);
        assert.equal(row.PopEnabled, true);
        assert.equal(row.ImapEnabled, true);
      }
      const log = json<Row[]>(await casctl(['get-changelog', '-o', 'json'], { store }));
      assert.equal(log[1]?.UndoOf, 1);
      const redo = await casctl(['undo', '2', '--yes'], { store });
      assert.equal(redo.code, 0, redo.stderr);
      assert.equal((await cas(store, 'rzaher')).ImapEnabled, false, 'undoing the undo re-applies the change');
      const single = await casctl(['undo', '3'], { store });
      assert.equal(single.code, 2, 'two mailboxes: it asks, and without a terminal it refuses');
    });

    test('undo of a change already undone has nothing to do (exit 0, no record), and after a redo it undoes again', async () => {
      const store = await sampleStore(kind);
      await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--yes'], { store });
      assert.equal((await casctl(['undo', '1', '--yes'], { store })).code, 0);
      const again = await casctl(['undo', '1', '--yes', '-o', 'json'], { store });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /Change 1 was already undone by change 2; there is nothing to undo\./);
      assert.doesNotMatch(again.stderr, /changed again since/);
      const result = json<ChangeResult>(again);
      assert.deepEqual([result.Summary.Changed, result.Summary.Unchanged, result.Summary.Failed], [0, 2, 0]);
      assert.equal(result.ChangeId, null, 'nothing changed, so nothing is recorded');
      assert.equal(json<Row[]>(await casctl(['get-changelog', '-o', 'json'], { store })).length, 2);
      assert.equal((await casctl(['undo', '2', '--yes'], { store })).code, 0, 'the redo');
      const afterRedo = await casctl(['undo', '1', '--yes', '-o', 'json'], { store });
      assert.equal(afterRedo.code, 0, afterRedo.stderr);
      assert.equal(json<ChangeResult>(afterRedo).Summary.Changed, 2);
      assert.equal((await cas(store, 'rzaher')).PopEnabled, true);
    });

    test('undo leaves mailboxes changed since alone and reports them as conflicts', async () => {
      const store = await sampleStore(kind);
      await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--yes'], { store });
      await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'true'], { store });
      const undo = await casctl(['undo', '1', '--yes', '-o', 'json'], { store });
      assert.equal(undo.code, 1);
      assert.match(undo.stderr, /'Rand Zaher' was changed again since; left as it is/);
      const result = json<ChangeResult>(undo);
      assert.equal(result.Summary.Changed, 1);
      assert.equal(result.Summary.Failed, 1);
      assert.equal((await cas(store, 'ebrunner@tailspintoys.com')).PopEnabled, true);
      const unknown = await casctl(['undo', '99'], { store });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /There is no change 99/);
      assert.equal((await casctl(['undo', 'abc'], { store })).code, 2);
    });
  });
}
