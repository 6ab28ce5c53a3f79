import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { casctl, json, sampleStore, tempDir } from '../helpers/cli.js';
import { atTerminal } from '../helpers/terminal-answer.js';
import { SERVICES } from '../../src/services/services.js';

type Row = Record<string, unknown>;

async function popEnabled(store: string, ...identities: string[]): Promise<unknown[]> {
  return json<Row[]>(await casctl(['get-casmailbox', ...identities, '-o', 'json'], { store })).map((r) => r.PopEnabled);
}

const PIPELINE = '$CASCTL get-mailbox rzaher ebrunner@tailspintoys.com -o id | $CASCTL set-casmailbox - --pop-enabled false -o json';

test('stdin a pipe: set-casmailbox asks at the controlling terminal; n changes nothing, y applies; the question never reaches stdout', async () => {
  const store = await sampleStore();
  const no = await atTerminal(store, PIPELINE, 'Change these 2 mailboxes\\?', 'n\\r');
  assert.equal(no.code, 0, no.shown);
  assert.match(no.shown, /About to change 2 mailboxes:\r?\n {2}Rand Zaher <rand\.zaher@tailspintoys\.com>: PopEnabled True → False/);
  assert.match(no.shown, /Nothing was changed\./);
  assert.equal(no.stdout, '');
  assert.deepEqual(await popEnabled(store, 'rzaher', 'ebrunner@tailspintoys.com'), [true, true]);

  const yes = await atTerminal(store, PIPELINE, 'Change these 2 mailboxes\\?', 'y\\r');
  assert.equal(yes.code, 0, yes.shown);
  assert.match(yes.shown, /Changed 2,/);
  const result = JSON.parse(yes.stdout) as { ChangeId: number; Summary: { Changed: number } };
  assert.equal(result.Summary.Changed, 2);
  assert.doesNotMatch(yes.stdout, /Change these|About to change/);
  assert.deepEqual(await popEnabled(store, 'rzaher', 'ebrunner@tailspintoys.com'), [false, false]);
});

test('stdin a pipe: Ctrl-C at the terminal exits 130 and changes nothing', async () => {
  const store = await sampleStore();
  const interrupted = await atTerminal(store, PIPELINE, 'Change these 2 mailboxes\\?', '\\x03');
  assert.equal(interrupted.code, 130, interrupted.shown);
  assert.match(interrupted.shown, /Nothing was changed\./);
  assert.deepEqual(await popEnabled(store, 'rzaher', 'ebrunner@tailspintoys.com'), [true, true]);
});

test('undo and prune-changelog ask at the terminal too when stdin is not one', async () => {
  const store = await sampleStore();
  assert.equal((await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--yes'], { store })).code, 0);
  const undo = await atTerminal(store, '$CASCTL undo 1 < /dev/null', 'Change these 2 mailboxes\\?', 'y\\r');
  assert.equal(undo.code, 0, undo.shown);
  assert.deepEqual(await popEnabled(store, 'rzaher', 'ebrunner@tailspintoys.com'), [true, true]);

  const config = join(tempDir(), 'casctl.config.json');
  const services = SERVICES.map((s) => s.Name);
  writeFileSync(config, JSON.stringify({ services: { commands: Object.fromEntries(services.map((name) => [name, { restart: ['true'], status: ['true'] }])) } }));
  assert.equal((await casctl(['restart-service', '--config', config], { store })).code, 0);
  const before = new Date(Date.now() + 1000).toISOString();
  const kept = await atTerminal(store, `echo | $CASCTL prune-changelog --before ${before}`, 'from the history\\?', 'n\\r');
  assert.equal(kept.code, 0, kept.shown);
  assert.equal(json<Row[]>(await casctl(['get-changelog', '-o', 'json'], { store })).length, 2, 'answered no: nothing removed');
  const pruned = await atTerminal(store, `echo | $CASCTL prune-changelog --before ${before} -o json`, 'from the history\\?', 'y\\r');
  assert.equal(pruned.code, 0, pruned.shown);
  assert.equal((JSON.parse(pruned.stdout) as { Records: number }).Records, 2);
});

test('audit --fix asks at the terminal when stdin is not one; y makes the audit clean', async () => {
  const store = await sampleStore();
  const policy = join(tempDir(), 'policy.yml');
  writeFileSync(policy, 'rules:\n  - name: Finance has no POP3\n    organizationalUnit: North America/Finance\n    expect: { PopEnabled: false }\n');
  assert.equal((await casctl(['audit', policy], { store })).code, 5);
  const fix = await atTerminal(store, `$CASCTL audit ${policy} --fix < /dev/null`, 'Change these \\d+ mailboxes\\?', 'y\\r');
  assert.equal(fix.code, 0, fix.shown);
  assert.equal((await casctl(['audit', policy], { store })).code, 0, 'fixed');
});

test('no terminal at all (setsid) and stdin a pipe: refused as before, exit 2, nothing changed', async () => {
  const store = await sampleStore();
  const ids = await casctl(['get-mailbox', 'rzaher', 'ebrunner@tailspintoys.com', '-o', 'id'], { store });
  const refused = await casctl(['set-casmailbox', '-', '--pop-enabled', 'false'], { store, input: ids.stdout });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /This would change 2 mailboxes and there is no terminal to confirm on\. Review it with --what-if, then confirm with --yes \(-Confirm:\$false\)/);
  assert.deepEqual(await popEnabled(store, 'rzaher', 'ebrunner@tailspintoys.com'), [true, true]);
});
