import { confirmChoice } from './confirm-options.js';
import { changeContext } from '../core/change-context.js';
import { decideChange } from '../core/change-decision.js';
import { counted } from '../core/counted.js';
import { ExitCode } from '../core/errors.js';
import { fold } from '../core/mailbox.js';
import { DIRECTORY_SCOPE, PlanBook, type PlanWrite } from '../core/mailbox-plans.js';
import type { DirectoryStore } from '../store/directory-store.js';
import { askYesNo } from '../output/confirm.js';
import { PLAN_CHANGE_FORMATS } from '../output/format-names.js';
import { chooseProperties, render, type View } from '../output/formats.js';
import type { Messages } from '../output/messages.js';
import { settingChangeText } from '../output/setting-change.js';
import type { OutputRecord, OutputValue } from '../output/values.js';
import { useColour } from '../output/colour.js';
import type { CommandContext } from './context.js';

/** What a plan change (set-casmailboxplan, the undo of one) reports in: the plan's table with --what-if, or a JSON result. */
export { PLAN_CHANGE_FORMATS };
export type PlanChangeFormat = (typeof PLAN_CHANGE_FORMATS)[number];

export interface PlannedPlanChange {
  /** Compare-and-set against what was read: another admin's change in between is a conflict. */
  writes: readonly PlanWrite[];
  /** Each written scope (folded) → the identity messages name it by. */
  names: ReadonlyMap<string, string>;
  undoOf?: number;
}

export interface PlanChangeOptions {
  yes?: boolean;
  confirm?: boolean;
  whatIf?: boolean;
  format: PlanChangeFormat;
}

const VIEW: View = { properties: ['Identity', 'Changes'], defaults: ['Identity', 'Changes'], table: ['Identity', 'Changes'], id: 'Identity' };

interface PlanResult extends OutputRecord {
  WhatIf: boolean;
  ChangeId: number | null;
  Identity: string;
  Guid: string | null;
  Changes: OutputRecord[];
}

/** json: the one result object. */
export async function writePlanResult(context: CommandContext, result: PlanResult, format: PlanChangeFormat): Promise<void> {
  if (format !== 'json') return;
  const properties = Object.keys(result);
  await render([result], context.stdout, { format, view: { ...VIEW, properties, defaults: properties }, properties, colour: false, shape: { kind: 'object' } });
}

const nameOf = (planned: PlannedPlanChange, scope: string): string => planned.names.get(fold(scope)) ?? scope;
const itemOf = (write: PlanWrite): OutputRecord => ({ Property: write.property, Before: write.from, After: write.to });

/** The writes by plan, as the table, the question and the json result show them. */
function byPlan(planned: PlannedPlanChange, writes: readonly PlanWrite[]): Map<string, OutputRecord[]> {
  const plans = new Map<string, OutputRecord[]>();
  for (const write of writes) {
    const name = nameOf(planned, write.scope);
    plans.set(name, [...(plans.get(name) ?? []), itemOf(write)]);
  }
  return plans;
}

/**
 * Decides, confirms, applies and reports a plan change, as runChange does a mailbox change: one
 * plan is one item, so it is changed as asked unless --confirm. Never touches a mailbox, and so
 * has no service to refresh; it says how many existing mailboxes keep their settings.
 */
export async function runPlanChange(context: CommandContext, store: DirectoryStore, messages: Messages, planned: PlannedPlanChange, options: PlanChangeOptions): Promise<number> {
  const { format } = options;
  const plans = byPlan(planned, planned.writes);
  const result = async (whatIf: boolean, changeId: number | null, writes: readonly PlanWrite[]): Promise<void> => {
    if (format === 'json') {
      const [scope = DIRECTORY_SCOPE] = [...new Set(planned.writes.map((w) => w.scope))];
      // A plan's first write creates it: its Guid is known once it is written.
      const guid = new PlanBook(await store.getMailboxPlans()).plan(scope)?.Guid ?? null;
      await writePlanResult(context, { WhatIf: whatIf, ChangeId: changeId, Identity: nameOf(planned, scope), Guid: guid, Changes: writes.map(itemOf) }, format);
    } else if (whatIf) {
      const rows = [...byPlan(planned, writes)].map(([Identity, items]): OutputRecord => ({ Identity, Changes: items.map(settingChangeText).join(', ') }));
      await render(rows, context.stdout, { format, view: VIEW, properties: chooseProperties(VIEW, format, undefined), colour: useColour(context.stdout, context.env) });
    }
  };
  const decision = decideChange({
    toChange: plans.size,
    failed: 0,
    ...confirmChoice({ ...options, atomic: false }, context),
  });
  const names = [...plans.keys()].map((n) => `'${n}'`).join(', ');
  if (decision.action === 'what-if') {
    await result(true, null, planned.writes);
    messages.info(`What if: ${counted(planned.writes.length, 'setting')} of the plan ${names} would change; no existing mailbox would.`);
    return ExitCode.Ok;
  }
  if (decision.action === 'confirm') {
    const details = [...plans].map(([name, items]) => `  ${name}: ${items.map(settingChangeText).join(', ')}`).join('\n');
    const answer = await askYesNo(`Change the plan ${names}?`, context.terminal, `${details}\n`);
    if (answer !== 'yes') {
      messages.info('Nothing was changed.');
      return answer === 'interrupted' ? ExitCode.Interrupted : ExitCode.Ok;
    }
  }
  const applied = await store.applyPlanChanges(planned.writes, changeContext(context, planned.undoOf === undefined ? {} : { undoOf: planned.undoOf }));
  for (const conflict of applied.conflicts) {
    messages.error(
      `${conflict.property} of the plan '${nameOf(planned, conflict.scope)}' no longer holds ${shown(conflict.from)}: another change got there first; it was left as it is.`,
    );
  }
  await result(false, applied.changeId, planned.writes.filter((w) => !applied.conflicts.includes(w)));
  if (applied.changeId !== null) {
    messages.info(`Changed ${counted(applied.settings, 'setting')} of the plan ${names}. Recorded as change ${applied.changeId}; undo it with: casctl undo ${applied.changeId}`);
    for (const scope of new Set(planned.writes.map((w) => fold(w.scope)))) {
      const write = planned.writes.find((w) => fold(w.scope) === scope) as PlanWrite;
      const existing = await store.countMailboxes(write.scope === DIRECTORY_SCOPE ? {} : { organizationalUnit: write.scope });
      messages.info(
        `Plans apply to mailboxes created from now on: the ${counted(existing, 'existing mailbox', 'existing mailboxes')} in '${nameOf(planned, write.scope)}' keep their settings (audit them with expect: plan).`,
      );
    }
  }
  return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
}

const shown = (value: OutputValue): string => (value === null ? '$null' : typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value));
