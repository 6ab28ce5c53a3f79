import { describeSummary, type ChangeSummary } from '../core/change-summary.js';
import { ExitCode, ServiceError, UsageError } from '../core/errors.js';
import type { PlanItem } from '../core/plan.js';
import { PROTOCOLS } from '../core/protocols.js';
import { servicesFor } from '../services/services.js';
import type { AppliedChange, DirectoryStore, SettingWrite } from '../store/directory-store.js';
import { render } from '../output/formats.js';
import { printable } from '../core/printable.js';
import type { Messages } from '../output/messages.js';
import { BufferedWriter } from '../output/writer.js';
import { changeContext } from './change-context.js';
import { ChangePlan, describeChanges, SAMPLE, type ReportOptions } from './change-plan.js';
import { useColour, type CommandContext } from './context.js';

/** A change worked out in full before anything is written (DESIGN.md §4: plan → confirm → apply → report). */
export interface PlannedChange {
  plan: ChangePlan;
  notFound: number;
  ambiguous: number;
  /** What apply writes: re-checked against the store inside the transaction, so a race never loses an update. */
  writes: SettingWrite[];
  undoOf?: number;
  /** Makes an applied change effective (`--restart`); without it, the admin is reminded to. */
  makeEffective?: () => Promise<void>;
}

export interface ChangeOptions extends ReportOptions {
  yes?: boolean;
  atomic?: boolean;
}

async function confirm(context: CommandContext, plan: ChangePlan): Promise<boolean> {
  const count = plan.counts.change;
  const canAsk = context.stdin.isTTY === true && context.stderr.isTTY === true;
  if (!canAsk) {
    throw new UsageError(
      `This would change ${count} mailboxes and there is no terminal to confirm on. ` +
        'Review it with --what-if, then confirm with --yes (-Confirm:$false); nothing was changed.',
    );
  }
  const sample = plan.sample.map((item) => `  ${printable(item.Name)} <${printable(item.PrimarySmtpAddress)}>: ${describeChanges(item)}`);
  const more = count > SAMPLE ? [`  ... and ${count - SAMPLE} more`] : [];
  context.stderr.write(`${[`About to change ${count} mailboxes:`, ...sample, ...more].join('\n')}\n`);
  const { confirm: ask } = await import('@inquirer/prompts');
  try {
    return await ask({ message: `Change these ${count} mailboxes?`, default: false }, { input: context.stdin, output: context.stderr });
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
  const { plan } = planned;
  const format = plan.format;
  plan.finish();
  const failed = messages.errors > 0;

  const planSummary = plan.summary(planned.notFound, planned.ambiguous);
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
  if (plan.counts.change > 1 && options.yes !== true && !(await confirm(context, plan))) {
    messages.info('Nothing was changed.');
    return ExitCode.Ok;
  }
  let applied: AppliedChange | null = null;
  if (plan.counts.change > 0) {
    applied = await store.applyCasChanges(planned.writes, changeContext(context, planned.undoOf === undefined ? {} : { undoOf: planned.undoOf }));
  }
  const summary = { ...planSummary };
  // The store re-checked every write: report what it actually did. A store that cannot apply
  // all entries in one transaction (LDAP) reports the ones that failed; the rest stand.
  summary.Changed = applied?.mailboxes ?? 0;
  const failures = applied?.failures ?? [];
  const names = failures.length === 0 ? new Map<string, string>() : await namesOf(store, failures.map((f) => f.Guid));
  for (const failure of failures) {
    messages.error(`${printable(names.get(failure.Guid.toLowerCase()) ?? failure.Guid)}: ${failure.message}`);
    summary.Failed++;
  }
  // Another admin may have changed some of these mailboxes between the plan and the write: they are
  // counted where they ended up, so the summaries of concurrent runs add up.
  const settledElsewhere = (applied === null ? 0 : planSummary.Changed) - failures.length - summary.Changed;
  if (applied !== null && settledElsewhere !== 0) {
    summary.Unchanged = Math.max(0, summary.Unchanged + settledElsewhere);
    messages.warning(
      settledElsewhere > 0
        ? `${settledElsewhere} of the mailboxes to change already had the settings when the change was written: another change got there first.`
        : `${-settledElsewhere} mailboxes that already had the settings when planned had lost them when the change was written (another change), and were changed too.`,
    );
  }
  await report(context, planned, summary, applied?.changeId ?? null, false, format);
  messages.info(describeSummary(summary, false));
  if (applied?.changeId != null) {
    messages.info(`Recorded as change ${applied.changeId}; undo it with: casctl undo ${applied.changeId}`);
    if (planned.makeEffective !== undefined) {
      try {
        await planned.makeEffective();
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        // The store has the change: say so first, so nobody runs the change again to "retry" it.
        throw new ServiceError(`Change ${applied.changeId} is committed, but making it effective failed. ${error.message}`);
      }
    } else {
      const services = servicesFor(PROTOCOLS.filter((p) => plan.properties.has(p.property))).map((s) => s.Name);
      messages.info(`For the change to take effect, run 'casctl refresh-service' or restart: ${services.join(', ')} (or use --restart next time).`);
    }
  }
  return failed || (applied?.failures?.length ?? 0) > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
}

/** `Name <address>` of the mailboxes a store failed to change, for their messages. */
async function namesOf(store: DirectoryStore, guids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const page of store.findMailboxes({ guids }, ['Guid', 'Name', 'PrimarySmtpAddress'])) {
    for (const m of page) names.set(m.Guid.toLowerCase(), `${m.Name} <${m.PrimarySmtpAddress}>`);
  }
  return names;
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
  const items = planned.plan.items ?? [];
  if (format === 'table') {
    if (whatIf) await planTable(context, items);
    return;
  }
  const writer = new BufferedWriter(context.stdout);
  await writer.write(`{"WhatIf":${whatIf},"ChangeId":${JSON.stringify(changeId)},"Summary":${JSON.stringify(summary)},"Items":[`);
  let first = true;
  for (const item of items) {
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
  const rows = items
    .filter((item) => item.status !== 'unchanged')
    .map((item) => ({ Name: item.Name, PrimarySmtpAddress: item.PrimarySmtpAddress, Status: item.status, Changes: describeChanges(item) }));
  await render(rows, context.stdout, { format: 'table', view, properties: view.properties, colour: useColour(context.stdout, context.env) });
}
