import { confirmChoice } from './confirm-options.js';
import { applyChange, changesMade, mailboxLabels, settleSummary } from '../core/apply-change.js';
import { decideChange } from '../core/change-decision.js';
import { counted } from '../core/counted.js';
import { describeSummary, type ChangeSummary } from '../core/change-summary.js';
import { ExitCode, ServiceError, UsageError } from '../core/errors.js';
import { PROTOCOLS, type Protocol } from '../core/protocols.js';
import { servicesFor } from '../services/services.js';
import type { DirectoryStore, SettingWrite } from '../store/directory-store.js';
import { printable } from '../core/printable.js';
import { askYesNo, type Answer } from '../output/confirm.js';
import type { Messages } from '../output/messages.js';
import type { Progress } from '../output/progress.js';
import { commandProgress } from './command-progress.js';
import { PlanReport, describeChanges, SAMPLE, type ReportOptions } from './plan-report.js';
import { writeChangeResult, type ChangeFormat } from './change-report.js';
import { useColour } from '../output/colour.js';
import type { CommandContext } from './context.js';
import type { ChangeImpact } from '../core/change-impact.js';
import { impactRecord } from '../output/change-impact.js';
import { describeImpact, enforceMaxActive, noteUncounted, planImpact, reportImpact } from './change-impact.js';
import { configFor, type GlobalOptions } from './open.js';

/** A change worked out in full before anything is written (DESIGN.md §4: plan → confirm → apply → report). */
export interface PlannedChange {
  plan: PlanReport;
  notFound: number;
  ambiguous: number;
  /** What apply writes: re-checked against the store inside the transaction, so a race never loses an update. */
  writes: SettingWrite[];
  undoOf?: number;
  /** Makes an applied change effective (`--restart`); without it, the admin is reminded to. */
  makeEffective?: () => Promise<void>;
  /** The command's progress so far (its planning), which the writes continue; a new one when absent. */
  progress?: Progress;
}

/** The store (and where its recorded logins are) comes with the options: the impact is read beside it. */
export interface ChangeOptions extends ReportOptions, GlobalOptions {
  atomic?: boolean;
}

/** Shows the first changes, and who would lose access, where the question is asked, and asks. */
async function confirm(context: CommandContext, plan: PlanReport, impact: ChangeImpact | null): Promise<Answer> {
  const count = plan.counts.change;
  const sample = plan.sample.map((item) => `  ${printable(item.Name)} <${printable(item.PrimarySmtpAddress)}>: ${describeChanges(item)}`);
  const more = count > SAMPLE ? [`  ... and ${count - SAMPLE} more`] : [];
  const who = impact === null ? [] : describeImpact(impact);
  const details = `${[`About to change ${counted(count, 'mailbox', 'mailboxes')}:`, ...sample, ...more, ...who].join('\n')}\n`;
  return askYesNo(count === 1 ? 'Change this mailbox?' : `Change these ${count} mailboxes?`, context.terminal, details);
}

/** Decides (src/core/change-decision.ts), confirms, applies and reports a planned change; returns the exit code. */
export async function runChange(
  context: CommandContext,
  store: DirectoryStore,
  messages: Messages,
  planned: PlannedChange,
  options: ChangeOptions,
): Promise<number> {
  const { plan } = planned;
  const progress = planned.progress ?? commandProgress(context);
  const format = plan.format;
  // The plan's messages and the question need the line the planning bar was on.
  progress.clear();
  plan.finish();
  const failed = messages.errors > 0;

  const planSummary = plan.summary(planned.notFound, planned.ambiguous);
  const decision = decideChange({
    toChange: plan.counts.change,
    failed: messages.errors,
    ...confirmChoice(options, context),
  });
  if (decision.action === 'abort' && decision.reason === 'no-terminal') throw new UsageError(decision.message);
  const impact = await planImpact(context, options, plan.losing, plan.limits, progress);
  progress.clear();
  noteUncounted(messages, plan.properties, plan.limits, (await configFor(context, options)).dovecot.webmailNetworks.length > 0);
  if (decision.action === 'abort') {
    messages.info(decision.message);
    // Nothing was written: every mailbox the plan would change is left unchanged.
    const unmade = { ...planSummary, Changed: 0, Unchanged: planSummary.Unchanged + planSummary.Changed };
    await report(context, planned, plan.settle(unmade, new Set(), new Map()), null, false, format, impact);
    return ExitCode.PartialFailure;
  }
  if (decision.action === 'what-if') {
    await report(context, planned, planSummary, null, true, format, impact);
    messages.info(describeSummary(planSummary, true));
    reportImpact(messages, impact);
    // After the report: --what-if with --max-active shows the plan a real run would refuse.
    enforceMaxActive(impact, plan.limits);
    return failed ? ExitCode.PartialFailure : ExitCode.Ok;
  }
  enforceMaxActive(impact, plan.limits);
  if (decision.action === 'confirm') progress.pause();
  else reportImpact(messages, impact);
  const answer = decision.action === 'confirm' ? await confirm(context, plan, impact) : 'yes';
  if (answer !== 'yes') {
    messages.info('Nothing was changed.');
    return answer === 'interrupted' ? ExitCode.Interrupted : ExitCode.Ok;
  }
  let applied;
  try {
    applied = plan.counts.change > 0 ? await applyChange(store, planned, context, progress) : null;
  } finally {
    progress.stop();
  }
  const settled = settleSummary(planSummary, applied);
  const { settledElsewhere } = settled;
  const failures = applied?.failures ?? [];
  // Another change got between the plan and the write: which mailboxes it settled, its record says.
  const made = settledElsewhere !== 0 && plan.items !== undefined ? await changesMade(store, applied?.changeId ?? null) : undefined;
  const summary = plan.settle(settled.summary, new Set(failures.map((f) => f.Guid.toLowerCase())), made);
  const names = await mailboxLabels(store, failures.map((f) => f.Guid));
  for (const failure of failures) messages.error(`${printable(names.get(failure.Guid.toLowerCase()) ?? failure.Guid)}: ${failure.message}`);
  if (settledElsewhere !== 0) {
    messages.warning(
      settledElsewhere > 0
        ? `${settledElsewhere} of the mailboxes to change already had the settings when the change was written: another change got there first.`
        : `${-settledElsewhere} mailboxes that already had the settings when planned had lost them when the change was written (another change), and were changed too.`,
    );
  }
  await report(context, planned, summary, applied?.changeId ?? null, false, format, impact);
  messages.info(describeSummary(summary, false));
  if (applied?.changeId != null) {
    messages.info(`Recorded as change ${applied.changeId}; undo it with: casctl undo ${applied.changeId}`);
    await makeCommittedEffective(messages, applied.changeId, planned.makeEffective, PROTOCOLS.filter((p) => plan.properties.has(p.property)));
  }
  return failed || failures.length > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
}

/** After change `changeId` committed: `--restart` makes it effective, or the admin is told what to run for the protocols it changed. */
export async function makeCommittedEffective(messages: Messages, changeId: number, makeEffective: (() => Promise<void>) | undefined, protocols: readonly Protocol[]): Promise<void> {
  if (makeEffective === undefined) {
    const services = servicesFor(protocols).map((s) => s.Name);
    messages.info(`For the change to take effect, run 'casctl refresh-service' or restart: ${services.join(', ')} (or use --restart next time).`);
    return;
  }
  try {
    await makeEffective();
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    // The store has the change: say so first, so nobody runs the change again to "retry" it.
    throw new ServiceError(`Change ${changeId} is committed, but making it effective failed. ${error.message}`);
  }
}

/** The change's result on stdout, in the format `-o` asked for (change-report.ts). */
async function report(
  context: CommandContext,
  planned: PlannedChange,
  summary: ChangeSummary,
  changeId: number | null,
  whatIf: boolean,
  format: ChangeFormat,
  impact: ChangeImpact | null,
): Promise<void> {
  const result = { WhatIf: whatIf, ChangeId: changeId, Summary: { ...summary }, Impact: impactRecord(impact) };
  await writeChangeResult(context.stdout, planned.plan.items ?? [], result, format, useColour(context.stdout, context.env));
}
