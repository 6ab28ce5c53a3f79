import { ExitCode, UsageError } from '../../core/errors.js';
import { serviceOfMark } from '../../services/service-ledger.js';
import { SERVICES } from '../../services/services.js';
import type { ChangeContext, DirectoryStore, PruneQuery, PruneResult } from '../../store/directory-store.js';
import { askYesNo, type Answer } from '../../output/confirm.js';
import { Messages } from '../../output/messages.js';
import { parseOutputFormat } from '../../output/formats.js';
import { changeContext } from '../../core/change-context.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';
import { parseSince } from './get-changelog.js';
import { counted } from '../../core/counted.js';
import { refuseContradictoryConfirm } from '../confirm-options.js';
import { RESULT_FORMATS, writeResultObject, type ResultFormat } from '../result-object.js';

interface PruneOptions extends GlobalOptions {
  before: string;
  yes?: boolean;
  confirm?: boolean;
  whatIf?: boolean;
  output: string;
}

/**
 * Removes change records older than `--before`, with the safe-change conventions: --what-if
 * counts, a prune asks first (or needs --yes), and is itself recorded. A record some service has
 * not refreshed past stays, since refresh-service works out what to flush from the history.
 */
export async function run(context: CommandContext, options: PruneOptions): Promise<number> {
  const before = parseSince(options.before, context.now(), '--before');
  const format = parseOutputFormat(options.output, RESULT_FORMATS, 'for prune-changelog');
  refuseContradictoryConfirm(options);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withStore(
    context,
    options,
    async (store) => {
      const { query, lagging } = await pruneQuery(store, before);
      const plan = await store.pruneChangeRecords(query);
      if (plan.keptPending > 0) {
        messages.warning(
          `${records(plan.keptPending)} older than ${before.toISOString()} stay: ${lagging} (or they are still being applied). ` +
            "Run 'casctl refresh-service' or 'casctl restart-service', then prune again.",
        );
      }
      if (plan.keptUndone > 0) messages.info(`${records(plan.keptUndone)} older than that stay because an undo that stays names them.`);
      const whatIf = options.whatIf === true;
      let result = plan;
      if (plan.records > 0 && !whatIf) {
        const answer = options.yes === true ? 'yes' : await confirm(context, plan);
        if (answer !== 'yes') {
          messages.info('Nothing was removed.');
          return answer === 'interrupted' ? ExitCode.Interrupted : ExitCode.Ok;
        }
        result = await store.pruneChangeRecords(query, (removed) => recordOf(context, removed, before));
      }
      if (result.records === 0) messages.info(`Nothing to prune: no change record older than ${before.toISOString()} that every service has refreshed past.`);
      else if (whatIf) messages.info(`What if: would remove ${describe(result)}.`);
      else messages.info(`Removed ${describe(result)}; recorded as change ${result.changeId ?? '?'}.`);
      await writeResult(context, format, result, before, query.refreshedThrough, whatIf);
      return ExitCode.Ok;
    },
    // A what-if only reads: a store the user may only read will do, and nothing can write it.
    options.whatIf === true ? 'read' : 'write',
  );
}

/**
 * The oldest refresh mark of all services bounds the prune; a service never refreshed has seen
 * nothing. With several mail servers every server's mark of a service counts (`MSExchangeIMAP4@mx1`).
 */
async function pruneQuery(store: DirectoryStore, before: Date): Promise<{ query: PruneQuery; lagging: string }> {
  const states = await store.serviceStates();
  const named = [...states].map(([name, state]) => ({ name, service: serviceOfMark(name), mark: state.refreshedThrough }));
  const marks = SERVICES.flatMap((s) => {
    const own = named.filter((m) => m.service === s.Name);
    return own.length === 0 ? [{ name: s.Name, mark: 0 }] : own;
  });
  const oldest = marks.reduce((a, b) => (b.mark < a.mark ? b : a));
  const lagging = oldest.mark === 0 ? `${oldest.name} has never been refreshed` : `${oldest.name} is refreshed only through change ${oldest.mark}`;
  return { query: { before, refreshedThrough: oldest.mark }, lagging };
}

function records(n: number): string {
  return counted(n, 'change record');
}

function describe(removed: PruneResult): string {
  const span = removed.firstId === removed.lastId ? `change ${removed.firstId ?? ''}` : `changes ${removed.firstId ?? ''} to ${removed.lastId ?? ''}`;
  return `${records(removed.records)} (${span}, ${counted(removed.items, 'item')})`;
}

/** The prune's own record: its command line, then (as a shell comment, so it still retypes) what it removed. */
function recordOf(context: CommandContext, removed: PruneResult, before: Date): ChangeContext {
  return changeContext(context, { note: `removed ${describe(removed)} older than ${before.toISOString()}` });
}

/** Removed history cannot be restored: every prune that removes something asks, as a bulk change does. */
async function confirm(context: CommandContext, plan: PruneResult): Promise<Answer> {
  if (!context.terminal.available()) {
    throw new UsageError(
      `This would remove ${describe(plan)} and there is no terminal to confirm on. ` +
        'Review it with --what-if, then confirm with --yes (-Confirm:$false); nothing was removed.',
    );
  }
  return askYesNo(`Remove ${describe(plan)} from the history? This cannot be undone.`, context.terminal);
}

async function writeResult(
  context: CommandContext,
  format: ResultFormat,
  result: PruneResult,
  before: Date,
  refreshedThrough: number,
  whatIf: boolean,
): Promise<void> {
  const record = {
    WhatIf: whatIf,
    ChangeId: result.changeId,
    Before: before.toISOString(),
    RefreshedThrough: refreshedThrough,
    Records: result.records,
    Items: result.items,
    FirstId: result.firstId,
    LastId: result.lastId,
    KeptPending: result.keptPending,
    KeptUndone: result.keptUndone,
  };
  await writeResultObject(context.stdout, format, record);
}
