import { ExitCode, UsageError } from '../core/errors.js';
import { fold } from '../core/mailbox.js';
import { INHERITED, PlanBook, planIdentity, type PlanSlot, type PlanWrite } from '../core/mailbox-plans.js';
import type { ChangeRecord, DirectoryStore } from '../store/directory-store.js';
import { parseOutputFormat } from '../output/formats.js';
import type { Messages } from '../output/messages.js';
import type { CommandContext } from './context.js';
import { PLAN_CHANGE_FORMATS, runPlanChange, type PlanChangeOptions } from './plan-change-flow.js';

/**
 * Undoes a plan change: each plan setting back to what it held before, where the plan still holds
 * what the change wrote (else a conflict, left alone). Plans only: no mailbox changes, as no
 * mailbox changed when the plan did.
 */
export async function undoPlanChange(
  context: CommandContext,
  store: DirectoryStore,
  messages: Messages,
  record: ChangeRecord,
  options: Omit<PlanChangeOptions, 'format'> & { output: string },
): Promise<number> {
  const format = parseOutputFormat(options.output, PLAN_CHANGE_FORMATS, 'for the undo of a plan change');
  const book = new PlanBook(await store.getMailboxPlans());
  const byGuid = new Map(book.plans.map((plan) => [fold(plan.Guid), plan]));
  const writes: PlanWrite[] = [];
  const names = new Map<string, string>();
  let restored = 0;
  for (const item of record.PlanChanges) {
    const plan = byGuid.get(fold(item.Guid));
    if (plan === undefined) {
      messages.error(`The plan '${item.Identity}' (Guid ${item.Guid}) no longer exists; its ${item.Property} cannot be restored.`);
      continue;
    }
    const value = plan.Settings[item.Property];
    const current: PlanSlot = value === undefined ? INHERITED : value;
    names.set(fold(plan.Scope), planIdentity(plan.Scope));
    if (current === item.Before) restored++;
    else if (current !== item.After) messages.error(`${item.Property} of the plan '${planIdentity(plan.Scope)}' was changed again since change ${record.Id}; it was left as it is.`);
    else writes.push({ scope: plan.Scope, property: item.Property, to: item.Before, from: item.After });
  }
  if (writes.length === 0) {
    if (restored === record.PlanChanges.length) messages.warning(`The plans already hold what they held before change ${record.Id}; there is nothing to undo.`);
    else if (messages.errors === 0) throw new UsageError(`Change ${record.Id} has nothing left to undo.`);
    return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  }
  const code = await runPlanChange(context, store, messages, { writes, names, undoOf: record.Id }, { ...options, format });
  return messages.errors > 0 ? ExitCode.PartialFailure : code;
}
