import { hostname, userInfo } from 'node:os';
import { describeSummary, summarise, type ChangeSummary } from '../core/change-summary.js';
import { recordedCommandLine } from '../core/command-line.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { shownIdentity, type PlanItem } from '../core/plan.js';
import { PROTOCOLS } from '../core/protocols.js';
import { servicesFor } from '../services/services.js';
import type { AppliedChange, DirectoryStore, SettingWrite } from '../store/directory-store.js';
import { parseOutputFormat, render } from '../output/formats.js';
import type { Messages } from '../output/messages.js';
import { displayValue } from '../output/values.js';
import { BufferedWriter } from '../output/writer.js';
import { useColour, type CommandContext } from './context.js';

/** A change worked out in full before anything is written (DESIGN.md §4: plan → confirm → apply → report). */
export interface PlannedChange {
  items: PlanItem[];
  notFound: number;
  ambiguous: number;
  /** What apply writes: re-checked against the store inside the transaction, so a race never loses an update. */
  writes: SettingWrite[];
  undoOf?: number;
  /** Makes an applied change effective (`--restart`); without it, the admin is reminded to. */
  makeEffective?: () => Promise<void>;
}

export interface ChangeOptions {
  yes?: boolean;
  whatIf?: boolean;
  atomic?: boolean;
  output: string;
}

/** How many changes the confirmation prompt shows. */
const SAMPLE = 10;

export function describeChanges(item: PlanItem): string {
  return item.changes.map((c) => `${c.property} ${displayValue(c.before)} → ${displayValue(c.after)}`).join(', ');
}

/**
 * Exchange warns about every named mailbox a change leaves as it was; past this many, one line
 * counts the rest (a file of a million addresses would otherwise bury the errors that matter).
 * `-o json` still lists every item.
 */
const UNCHANGED_WARNINGS = 100;

function reportItems(items: readonly PlanItem[], messages: Messages): void {
  let unchanged = 0;
  for (const item of items) {
    if (item.status === 'refused') {
      const text = `The Administrator mailbox '${shownIdentity(item)}' can't be enabled for POP3 or IMAP4.`;
      if (item.namedAs === undefined) messages.warning(`${text} It was skipped.`);
      else messages.error(text);
    } else if (item.status === 'conflict') {
      messages.error(`'${shownIdentity(item)}' was changed again since; left as it is (${describeChanges(item)} no longer applies).`);
    } else if (item.status === 'unchanged' && item.namedAs !== undefined && ++unchanged <= UNCHANGED_WARNINGS) {
      messages.warning(`The command completed successfully but no settings of '${shownIdentity(item)}' have been modified.`);
    }
  }
  if (unchanged > UNCHANGED_WARNINGS) {
    messages.warning(`... and ${unchanged - UNCHANGED_WARNINGS} more named mailboxes already had these settings; -o json lists them all.`);
  }
}

/** The items a change would change: how many, the first few to show, and which settings they touch. */
function changingItems(items: readonly PlanItem[]): { count: number; sample: PlanItem[]; properties: Set<string> } {
  const changing = { count: 0, sample: [] as PlanItem[], properties: new Set<string>() };
  for (const item of items) {
    if (item.status !== 'change') continue;
    changing.count++;
    if (changing.sample.length < SAMPLE) changing.sample.push(item);
    for (const change of item.changes) changing.properties.add(change.property);
  }
  return changing;
}

async function confirm(context: CommandContext, changing: ReturnType<typeof changingItems>): Promise<boolean> {
  const canAsk = context.stdin.isTTY === true && context.stderr.isTTY === true;
  if (!canAsk) {
    throw new UsageError(
      `This would change ${changing.count} mailboxes and there is no terminal to confirm on. ` +
        'Review it with --what-if, then confirm with --yes (-Confirm:$false); nothing was changed.',
    );
  }
  const sample = changing.sample.map((item) => `  ${item.Name} <${item.PrimarySmtpAddress}>: ${describeChanges(item)}`);
  const more = changing.count > SAMPLE ? [`  ... and ${changing.count - SAMPLE} more`] : [];
  context.stderr.write(`${[`About to change ${changing.count} mailboxes:`, ...sample, ...more].join('\n')}\n`);
  const { confirm: ask } = await import('@inquirer/prompts');
  try {
    return await ask({ message: `Change these ${changing.count} mailboxes?`, default: false }, { input: context.stdin, output: context.stderr });
  } catch (error) {
    // Ctrl-C or a closed terminal at the prompt is a "no".
    if ((error as Error).name === 'ExitPromptError') return false;
    throw error;
  }
}

/** Shows, confirms, applies and reports a planned change; returns the exit code. */
export async function runChange(
  context: CommandContext,
  store: DirectoryStore,
  messages: Messages,
  planned: PlannedChange,
  options: ChangeOptions,
): Promise<number> {
  const format = parseOutputFormat(options.output);
  if (format !== 'table' && format !== 'json') throw new UsageError(`A change reports as table or json, not ${format}.`);
  reportItems(planned.items, messages);
  const changing = changingItems(planned.items);
  const failed = messages.errors > 0;

  const planSummary = summarise(planned.items, planned.notFound, planned.ambiguous);
  if (options.atomic === true && failed) {
    messages.info(`Nothing was changed: --atomic, and ${messages.errors} item${messages.errors === 1 ? '' : 's'} failed.`);
    await report(context, planned, { ...planSummary, Changed: 0 }, null, false, format);
    return ExitCode.PartialFailure;
  }
  if (options.whatIf === true) {
    await report(context, planned, planSummary, null, true, format);
    messages.info(describeSummary(planSummary, true));
    return failed ? ExitCode.PartialFailure : ExitCode.Ok;
  }
  if (changing.count > 1 && options.yes !== true && !(await confirm(context, changing))) {
    messages.info('Nothing was changed.');
    return ExitCode.Ok;
  }
  let applied: AppliedChange | null = null;
  if (changing.count > 0) {
    applied = await store.applyCasChanges(planned.writes, {
      when: context.now(),
      osUser: currentUser(context.env),
      sudoUser: context.env.SUDO_USER ?? null,
      host: hostname(),
      commandLine: recordedCommandLine(context.argv),
      ...(planned.undoOf === undefined ? {} : { undoOf: planned.undoOf }),
    });
  }
  const summary = { ...planSummary };
  // The store re-checked every write: report what it actually did. A store that cannot apply
  // all entries in one transaction (LDAP) reports the ones that failed; the rest stand.
  summary.Changed = applied?.mailboxes ?? 0;
  const failures = applied?.failures ?? [];
  // Only the failed items are looked up: a map of every item would cost a million entries.
  const names = new Map<string, PlanItem>();
  if (failures.length > 0) {
    const failedGuids = new Set(failures.map((f) => f.Guid.toLowerCase()));
    for (const item of planned.items) if (failedGuids.has(item.Guid.toLowerCase())) names.set(item.Guid.toLowerCase(), item);
  }
  for (const failure of failures) {
    const item = names.get(failure.Guid.toLowerCase());
    messages.error(`${item === undefined ? failure.Guid : `${item.Name} <${item.PrimarySmtpAddress}>`}: ${failure.message}`);
    summary.Failed++;
  }
  await report(context, planned, summary, applied?.changeId ?? null, false, format);
  messages.info(describeSummary(summary, false));
  if (applied?.changeId != null) {
    messages.info(`Recorded as change ${applied.changeId}; undo it with: casctl undo ${applied.changeId}`);
    if (planned.makeEffective !== undefined) {
      await planned.makeEffective();
    } else {
      const services = servicesFor(PROTOCOLS.filter((p) => changing.properties.has(p.property))).map((s) => s.Name);
      messages.info(`For the change to take effect, run 'casctl refresh-service' or restart: ${services.join(', ')} (or use --restart next time).`);
    }
  }
  return failed || (applied?.failures?.length ?? 0) > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
}

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is the best we have.
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}

/** -o json: one machine-readable result on stdout. table: the plan itself, only for --what-if. */
async function report(
  context: CommandContext,
  planned: PlannedChange,
  summary: ChangeSummary,
  changeId: number | null,
  whatIf: boolean,
  format: 'table' | 'json',
): Promise<void> {
  if (format === 'table') {
    if (whatIf) await planTable(context, planned.items);
    return;
  }
  const writer = new BufferedWriter(context.stdout);
  await writer.write(`{"WhatIf":${whatIf},"ChangeId":${JSON.stringify(changeId)},"Summary":${JSON.stringify(summary)},"Items":[`);
  let first = true;
  for (const item of planned.items) {
    const json = {
      Guid: item.Guid,
      Name: item.Name,
      PrimarySmtpAddress: item.PrimarySmtpAddress,
      Identity: item.namedAs?.identity ?? null,
      Source: item.namedAs?.source ?? null,
      Status: item.status,
      Changes: item.changes.map((c) => ({ Property: c.property, Before: c.before, After: c.after })),
    };
    await writer.write(`${first ? '\n  ' : ',\n  '}${JSON.stringify(json)}`);
    first = false;
  }
  await writer.write(`${first ? '' : '\n'}]}\n`);
  await writer.flush();
}

async function planTable(context: CommandContext, items: readonly PlanItem[]): Promise<void> {
  const view = { properties: ['Name', 'PrimarySmtpAddress', 'Status', 'Changes'], defaults: [], table: [], id: 'Name' };
  async function* rows(): AsyncGenerator<Record<string, string>> {
    for (const item of items) {
      if (item.status === 'unchanged') continue;
      yield { Name: item.Name, PrimarySmtpAddress: item.PrimarySmtpAddress, Status: item.status, Changes: describeChanges(item) };
    }
  }
  await render(rows(), context.stdout, { format: 'table', view, properties: view.properties, colour: useColour(context.stdout, context.env) });
}
