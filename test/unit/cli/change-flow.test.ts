import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, test } from 'node:test';
import { runChange } from '../../../src/cli/change-flow.js';
import { PlanReport } from '../../../src/cli/plan-report.js';
import type { CommandContext } from '../../../src/cli/context.js';
import { ServiceError, UsageError } from '../../../src/core/errors.js';
import { PLAN_FIELDS, planFor } from '../../../src/core/plan.js';
import { Messages } from '../../../src/output/messages.js';
import { readServiceSetup } from '../../../src/services/service-config.js';
import { ServiceControl } from '../../../src/services/service-control.js';
import { resolveServices } from '../../../src/services/services.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';
import { capture } from '../../helpers/capture.js';
import { NO_TERMINAL, typingTerminal } from '../../helpers/fake-terminal.js';
import { memoryStore } from '../../helpers/memory-store.js';
import { recordLogons } from '../../helpers/last-logons.js';
import { tempDir } from '../../helpers/cli.js';

let store: DirectoryStore;
let context: CommandContext & { stdout: ReturnType<typeof capture>; stderr: ReturnType<typeof capture> };

beforeEach(async () => {
  store = await memoryStore(['A', 'B'].map((Name) => ({ Name, PrimarySmtpAddress: `${Name.toLowerCase()}@example.org` })));
  context = {
    stdin: new PassThrough(),
    stdout: capture(),
    stderr: capture(),
    env: {},
    cwd: process.cwd(),
    now: () => new Date('2026-03-01T10:00:00Z'),
    argv: ['set-casmailbox', '--filter', "Name -like '*'", '--imap-enabled', 'false'],
    actor: { osUser: 'casadmin', sudoUser: 'alice', host: 'admin1.example.org' },
    terminal: NO_TERMINAL,
  };
});

afterEach(() => store.close());

/** The plan of turning IMAP off on every mailbox, as set-casmailbox makes it. */
async function imapOff(messages: Messages, output: string): Promise<{ plan: PlanReport; writes: { property: 'ImapEnabled'; to: boolean; guids: string[] }[] }> {
  const plan = new PlanReport(messages, { output });
  const guids: string[] = [];
  for await (const page of store.findMailboxes({}, PLAN_FIELDS)) {
    for (const mailbox of page) {
      plan.add(planFor(mailbox, { ImapEnabled: false }, undefined));
      guids.push(mailbox.Guid);
    }
  }
  return { plan, writes: [{ property: 'ImapEnabled', to: false, guids }] };
}

const imapEnabled = async (): Promise<boolean[]> => {
  const values: boolean[] = [];
  for await (const page of store.findMailboxes({}, ['ImapEnabled'])) for (const m of page) values.push(m.ImapEnabled);
  return values;
};

test('a bulk change with no terminal to confirm on is refused, and nothing is written', async () => {
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'table');
  await assert.rejects(runChange(context, store, messages, { ...planned, notFound: 0, ambiguous: 0 }, { output: 'table' }), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(
      error.message,
      'This would change 2 mailboxes and there is no terminal to confirm on. Review it with --what-if, then confirm with --yes (-Confirm:$false); nothing was changed.',
    );
    return true;
  });
  assert.deepEqual(await imapEnabled(), [true, true]);
});

test('a bulk change asks where the terminal is, the sample with the question, never on stdout; no changes nothing, yes applies', async () => {
  for (const [keys, expected] of [['n\r', [true, true]], ['y\r', [false, false]]] as const) {
    const terminal = typingTerminal(keys);
    const messages = new Messages(context.stderr, false);
    const planned = await imapOff(messages, 'table');
    const code = await runChange({ ...context, terminal }, store, messages, { ...planned, notFound: 0, ambiguous: 0 }, { output: 'table' });
    assert.equal(code, 0);
    assert.match(terminal.shown(), /^About to change 2 mailboxes:\n {2}A <a@example\.org>: ImapEnabled True → False\n {2}B <b@example\.org>: ImapEnabled True → False\n/);
    assert.match(terminal.shown(), /Change these 2 mailboxes\?/);
    assert.equal(terminal.closed(), 1, 'the terminal is given back after the question');
    assert.doesNotMatch(context.stdout.text(), /About to change|Change these/);
    assert.deepEqual(await imapEnabled(), expected);
  }
});

test('an applied change is recorded as the command context\'s actor and reported as JSON', async () => {
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'json');
  const code = await runChange(context, store, messages, { ...planned, notFound: 0, ambiguous: 0 }, { output: 'json', yes: true });
  assert.equal(code, 0);
  const result = JSON.parse(context.stdout.text()) as { WhatIf: boolean; ChangeId: number; Summary: Record<string, number>; Items: { Status: string }[] };
  assert.deepEqual([result.WhatIf, result.Summary.Changed, result.Items.map((i) => i.Status)], [false, 2, ['change', 'change']]);
  const [record] = await store.getChangeRecords({ id: result.ChangeId });
  assert.deepEqual([record?.User, record?.SudoUser, record?.Host, record?.WhenChanged], ['casadmin', 'alice', 'admin1.example.org', '2026-03-01T10:00:00.000Z']);
  assert.match(context.stderr.text(), new RegExp(`Recorded as change ${result.ChangeId}; undo it with: casctl undo ${result.ChangeId}`));
  assert.deepEqual(await imapEnabled(), [false, false]);
});

test('a change committed but not made effective says so first, and which services stay pending', async () => {
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'table');
  const failingFlush = async (argv: readonly string[]) =>
    argv.includes('flush') ? { exitCode: 0, stdout: '', stderr: 'Error: auth-master: Disconnected\n' } : { exitCode: 0, stdout: '', stderr: '' };
  const control = new ServiceControl(readServiceSetup({ preset: 'dovecot' }, null), store, context.now, failingFlush);
  const services = resolveServices(['imap4', 'imap4be']);
  const makeEffective = async (): Promise<void> => {
    await control.refresh(services);
  };
  await assert.rejects(runChange(context, store, messages, { ...planned, notFound: 0, ambiguous: 0, makeEffective }, { output: 'table', yes: true }), (error: unknown) => {
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /^Change \d+ is committed, but making it effective failed\. Flushing the login cache failed: 'doveadm auth cache flush -- a@example\.org b@example\.org' exited 0 but said:\n {2}Error: auth-master: Disconnected\n/);
    assert.match(error.message, /\nStill pending on MSExchangeIMAP4, MSExchangeIMAP4BE: once Dovecot answers, run 'casctl refresh-service MSExchangeIMAP4 MSExchangeIMAP4BE'\.$/);
    return true;
  });
  assert.deepEqual(await imapEnabled(), [false, false]);
  assert.ok((await control.report(services)).every((r) => r.pending.length === 2));
});

type JsonResult = { Summary: Record<string, number>; Items: { Name: string; Status: string; Changes: unknown[] }[] };

test('a write the store reports failed (LDAP) is a failed item, counted once, in the JSON and the summary alike', async () => {
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'json');
  const [first] = planned.writes[0]?.guids ?? [];
  const failing: DirectoryStore = Object.assign(Object.create(store) as DirectoryStore, {
    applyCasChanges: async (...args: Parameters<DirectoryStore['applyCasChanges']>) => {
      const rest = args[0].map((w) => ({ ...w, guids: w.guids.filter((g) => g !== first) }));
      const applied = await store.applyCasChanges(rest, args[1]);
      return { ...applied, failures: [{ Guid: (first ?? '').toUpperCase(), message: 'insufficient access' }] };
    },
  });
  const code = await runChange(context, failing, messages, { ...planned, notFound: 0, ambiguous: 0 }, { output: 'json', yes: true });
  assert.equal(code, 1);
  const result = JSON.parse(context.stdout.text()) as JsonResult;
  assert.deepEqual(result.Items.map((i) => [i.Name, i.Status]), [['A', 'failed'], ['B', 'change']]);
  assert.deepEqual([result.Summary.Changed, result.Summary.Failed], [1, 1]);
  assert.match(context.stderr.text(), /ERROR: A <a@example\.org>: insufficient access/);
  assert.match(context.stderr.text(), /Changed 1, unchanged 0, refused 0, not found 0, ambiguous 0, failed 1\./);
});

test('a mailbox another change settled between the plan and the write is unchanged in the JSON too', async () => {
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'json');
  const [first] = planned.writes[0]?.guids ?? [];
  await store.applyCasChanges([{ property: 'ImapEnabled', to: false, guids: [first ?? ''] }], { when: new Date(), osUser: 'other', sudoUser: null, host: 'h', commandLine: 'casctl set-casmailbox a' });
  const code = await runChange(context, store, messages, { ...planned, notFound: 0, ambiguous: 0 }, { output: 'json', yes: true });
  assert.equal(code, 0);
  const result = JSON.parse(context.stdout.text()) as JsonResult;
  assert.deepEqual(result.Items.map((i) => [i.Name, i.Status, i.Changes.length]), [['A', 'unchanged', 0], ['B', 'change', 1]]);
  assert.deepEqual([result.Summary.Changed, result.Summary.Unchanged], [1, 1]);
  assert.match(context.stderr.text(), /1 of the mailboxes to change already had the settings when the change was written/);
});

test('--atomic with a failed item: nothing changes, and the JSON says every mailbox is unchanged', async () => {
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'json');
  messages.error('The operation couldn\'t be performed because object \'nobody\' couldn\'t be found.');
  const code = await runChange(context, store, messages, { ...planned, notFound: 1, ambiguous: 0 }, { output: 'json', yes: true, atomic: true });
  assert.equal(code, 1);
  const result = JSON.parse(context.stdout.text()) as JsonResult;
  assert.deepEqual(result.Items.map((i) => i.Status), ['unchanged', 'unchanged']);
  assert.deepEqual([result.Summary.Changed, result.Summary.Unchanged, result.Summary.NotFound], [0, 2, 1]);
  assert.deepEqual(await imapEnabled(), [true, true]);
});

test('the question names who would lose access, from the logins CASCTL_LAST_LOGONS names, measured from the context\'s clock', async () => {
  const logons = join(tempDir(), 'logons.db');
  recordLogons(logons, [
    { user: 'a@example.org', service: 'imap', clientAddress: '192.0.2.7', time: new Date('2026-03-01T09:00:30Z') },
    { user: 'b@example.org', service: 'imap', time: new Date('2026-01-01T09:00:00Z') },
  ]);
  const terminal = typingTerminal('n\r');
  const messages = new Messages(context.stderr, false);
  const planned = await imapOff(messages, 'table');
  const code = await runChange({ ...context, terminal, env: { CASCTL_LAST_LOGONS: `sqlite:${logons}` } }, store, messages, { ...planned, notFound: 0, ambiguous: 0 }, { output: 'table' });
  assert.equal(code, 0);
  assert.match(terminal.shown(), /B <b@example\.org>: ImapEnabled True → False\nIMAP4: 1 of 2 mailboxes losing access logged in over IMAP4 in the last 30 days; most recent: a@example\.org 2026-03-01 09:00 UTC from 192\.0\.2\.7\.\n/);
  assert.doesNotMatch(context.stderr.text(), /losing access/, 'shown with the question, not again on stderr');
  assert.deepEqual(await imapEnabled(), [true, true]);
});
