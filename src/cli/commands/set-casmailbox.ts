import { UsageError } from '../../core/errors.js';
import { PLAN_FIELDS, planFor } from '../../core/plan.js';
import { selectMailboxBatches } from '../../core/select.js';
import type { CasSettingName, CasSettings } from '../../store/directory-store.js';
import { Messages } from '../../output/messages.js';
import { runChange, type ChangeOptions } from '../change-flow.js';
import { commandProgress } from '../command-progress.js';
import { trackSelection } from '../selection-progress.js';
import { PlanReport } from '../plan-report.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { ProblemCounter } from '../problems.js';
import { withStore } from '../open.js';
import { makeEffectiveOn, restartSetup, type RestartOptions } from '../restart-option.js';
import { PROTOCOLS, isNullable, type SettingValue } from '../../core/protocols.js';
import { servicesFor } from '../../services/services.js';
import { withLastLogons } from '../selection-logons.js';
import { namesMailboxes, selectionFromOptions, type SelectionOptions } from '../selection-options.js';
import { settingOption, settingOptionText, settingValue } from '../setting-options.js';

interface SetOptions extends RestartOptions, SelectionOptions, ChangeOptions {}

function wantedSettings(options: SetOptions): CasSettings {
  const wanted: Partial<Record<CasSettingName, SettingValue>> = {};
  for (const protocol of PROTOCOLS) {
    const { property } = protocol;
    const value = settingValue(settingOption(property), settingOptionText(options, property), isNullable(protocol));
    if (value !== undefined) wanted[property] = value;
  }
  if (Object.keys(wanted).length === 0) {
    throw new UsageError(`Nothing to change: give ${PROTOCOLS.map((p) => `--${settingOption(p.property)}`).join(' and/or ')}.`);
  }
  return wanted as CasSettings;
}

export async function run(context: CommandContext, options: SetOptions, args: string[]): Promise<number> {
  const wanted = wantedSettings(options);
  if (!namesMailboxes(options, args)) {
    throw new UsageError('Name the mailboxes to change: an identity, --organizational-unit, --filter or --file (or "-" for stdin).');
  }
  const selection = selectionFromOptions(context, options, args, false);
  const progress = commandProgress(context);
  const messages = new Messages(progress.messageStream, useColour(context.stderr, context.env));
  const properties = Object.keys(wanted) as CasSettingName[];
  const setup = await restartSetup(context, options);
  const services = servicesFor(PROTOCOLS.filter((p) => properties.includes(p.property)));

  return withLastLogons(context, options, { filters: [selection.filter] }, (text) => messages.warning(text), (lastLogons) => withStore(context, options, async (store) => {
    for (const property of properties) {
      const problem = store.settingProblem?.(property, wanted[property] as SettingValue) ?? null;
      if (problem !== null) throw new UsageError(problem);
    }
    // The services are checked before anything is planned: a long plan is not wasted on a stopped service.
    const effect = await makeEffectiveOn(context, store, messages, setup, services, options);
    const problems = new ProblemCounter(messages);
    const tracked = await trackSelection(store, { ...selection, ...(lastLogons === undefined ? {} : { lastLogons }) }, options, args, progress);
    const plan = new PlanReport(messages, options);
    // Every selected mailbox is written, not only those the plan saw differ: the store re-checks
    // inside its transaction, so a concurrent change in between is not lost.
    const guids: string[] = [];
    for await (const batch of selectMailboxBatches(store, tracked.selection, problems.report, PLAN_FIELDS)) {
      for (const { mailbox, namedAs } of batch) {
        const item = planFor(mailbox, wanted, namedAs);
        plan.add(item);
        if (item.status !== 'refused') guids.push(item.Guid);
      }
      tracked.planned(batch.length);
    }
    const writes = properties.map((property) => ({ property, to: wanted[property] as SettingValue, guids }));
    return runChange(context, store, messages, { plan, writes, progress, ...problems.counts(), ...effect }, options);
  }, 'write'));
}
