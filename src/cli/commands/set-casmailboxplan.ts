import { ExitCode, UsageError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { INHERITED, PlanBook, planIdentity, type PlanSlot, type PlanValue, type PlanWrite } from '../../core/mailbox-plans.js';
import { CAS_SETTINGS, PROTOCOLS, type CasSettingName } from '../../core/protocols.js';
import { printable } from '../../core/printable.js';
import { unknownNameHint } from '../../core/suggest.js';
import { parseOutputFormat } from '../../output/formats.js';
import { useColour } from '../../output/colour.js';
import { Messages } from '../../output/messages.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';
import { resolvePlanScope } from '../plan-scope.js';
import { refuseContradictoryConfirm } from '../confirm-options.js';
import { PLAN_CHANGE_FORMATS, runPlanChange, writePlanResult } from '../plan-change-flow.js';
import { settingOption, settingOptionText, settingValue } from '../setting-options.js';

interface SetPlanOptions extends GlobalOptions {
  identity?: string;
  clear?: string[];
  yes?: boolean;
  confirm?: boolean;
  whatIf?: boolean;
  output: string;
}


/** A plan value from an option: a boolean, or `$null` (which only a nullable setting takes; the store's rule says so). */
function planValue(property: CasSettingName, text: string | undefined): PlanValue | undefined {
  if (text !== undefined && ['$null', 'null'].includes(text.trim().toLowerCase())) return null;
  // Never null here: $null went above, so the store's rule words a non-nullable setting's refusal.
  return settingValue(settingOption(property), text, false);
}

/** The property names --clear gives, as the registry spells them; a misspelt one is a usage error with a did-you-mean. */
function clearedSettings(names: readonly string[]): CasSettingName[] {
  return names.map((name) => {
    const property = CAS_SETTINGS.find((p) => fold(p) === fold(name.trim()));
    if (property === undefined) throw new UsageError(`--clear takes a CAS setting, not '${printable(name)}'. ${unknownNameHint(name, CAS_SETTINGS, 'The settings')}`);
    return property;
  });
}

/** What the admin asks the plan to hold: each named setting's value, or INHERITED for a cleared one. */
function wantedSlots(options: SetPlanOptions): Map<CasSettingName, PlanSlot> {
  const wanted = new Map<CasSettingName, PlanSlot>();
  for (const { property } of PROTOCOLS) {
    const value = planValue(property, settingOptionText(options, property));
    if (value !== undefined) wanted.set(property, value);
  }
  for (const property of clearedSettings(options.clear ?? [])) {
    if (wanted.has(property)) throw new UsageError(`${property} is both set and cleared; give one.`);
    wanted.set(property, INHERITED);
  }
  if (wanted.size === 0) {
    throw new UsageError(`Nothing to change: give ${PROTOCOLS.map((p) => `--${settingOption(p.property)}`).join(', ')} or --clear <Setting>.`);
  }
  return wanted;
}

/**
 * Set-CASMailboxPlan: the defaults of a scope (the directory, `Default`, or one OU) for mailboxes
 * created from now on. As in Exchange, no existing mailbox changes; the change is recorded on the
 * mailboxes' timeline and undoable. Compare-and-set: a plan another admin changed in between is a
 * conflict, reported, not overwritten.
 */
export async function run(context: CommandContext, options: SetPlanOptions, args: string[]): Promise<number> {
  const format = parseOutputFormat(options.output, PLAN_CHANGE_FORMATS);
  const [identity, ...extra] = [...args, ...(options.identity === undefined ? [] : [options.identity])];
  if (identity === undefined) throw new UsageError("Name the plan to change: Default (the directory's) or an organizational unit.");
  if (extra.length > 0) throw new UsageError(`set-casmailboxplan changes one plan; '${[identity, ...extra].map(printable).join("', '")}' name more than one.`);
  refuseContradictoryConfirm(options);
  const wanted = wantedSlots(options);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withStore(context, options, async (store) => {
    const scope = await resolvePlanScope(store, identity);
    const book = new PlanBook(await store.getMailboxPlans());
    const plan = book.plan(scope);
    const name = planIdentity(plan?.Scope ?? scope);
    const writes: PlanWrite[] = [];
    for (const [property, to] of wanted) {
      const held = plan?.Settings[property];
      const from: PlanSlot = held === undefined ? INHERITED : held;
      if (from !== to) writes.push({ scope: plan?.Scope ?? scope, property, to, from });
    }
    if (writes.length === 0) {
      messages.warning(`The command completed successfully but no settings of '${name}' have been modified.`);
      if (format === 'json') await writePlanResult(context, { WhatIf: options.whatIf === true, ChangeId: null, Identity: name, Guid: plan?.Guid ?? null, Changes: [] }, format);
      return ExitCode.Ok;
    }
    return runPlanChange(context, store, messages, { writes, names: new Map([[fold(scope), name]]) }, { ...options, format });
  }, 'write');
}
