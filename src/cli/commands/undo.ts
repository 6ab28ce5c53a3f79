import { UsageError } from '../../core/errors.js';
import { PLAN_FIELDS, WriteCollector, refuses, type PlannedMailbox, type SettingChange } from '../../core/plan.js';
import type { ChangeItem, DirectoryStore } from '../../store/directory-store.js';
import { Messages } from '../../output/messages.js';
import { runChange, type ChangeOptions } from '../change-flow.js';
import { commandProgress } from '../command-progress.js';
import { PlanReport } from '../plan-report.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { withStore } from '../open.js';
import { makeEffectiveOn, restartSetup, type RestartOptions } from '../restart-option.js';
import { PROTOCOLS, protocolOf } from '../../core/protocols.js';
import { runTransportChange } from '../transport-config-change.js';
import { servicesFor } from '../../services/services.js';
import { undoPlanChange } from '../undo-plan-change.js';

type UndoOptions = RestartOptions & ChangeOptions;

export function parseChangeId(text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text.trim())) throw new UsageError(`A change id is a whole number, not '${text ?? ''}'.`);
  return Number(text);
}

/**
 * Restores the before values of a recorded change where the mailbox still holds its after
 * values; a mailbox changed again since is a conflict and is left alone. The undo is a change of
 * its own: confirmed, recorded, and undoable.
 */
export async function run(context: CommandContext, options: UndoOptions, args: string[]): Promise<number> {
  const id = parseChangeId(args[0]);
  const progress = commandProgress(context);
  const messages = new Messages(progress.messageStream, useColour(context.stderr, context.env));
  const setup = await restartSetup(context, options);
  return withStore(context, options, async (store) => {
    const [record] = await store.getChangeRecords({ id });
    if (record === undefined) throw new UsageError(`There is no change ${id} in ${store.url}; 'casctl get-changelog' lists them.`);
    if (record.PlanChanges.length > 0) return undoPlanChange(context, store, messages, record, options);
    const [defaultChange] = record.TransportConfig ?? [];
    if (defaultChange !== undefined) {
      // A change of an organisation default: restored where it still holds what the change set.
      const current = (await store.getTransportConfig())[defaultChange.Property];
      if (current !== defaultChange.After) {
        const why = current === defaultChange.Before ? 'it holds its value from before already' : 'it was changed since';
        throw new UsageError(`Change ${id} set ${defaultChange.Property} of the organisation to $${String(defaultChange.After)}, but ${why}; nothing was changed.`);
      }
      const effect = await makeEffectiveOn(context, store, messages, setup, servicesFor([protocolOf(defaultChange.Property)]), options);
      const change = { property: defaultChange.Property, before: defaultChange.After, after: defaultChange.Before, undoOf: id };
      return runTransportChange(context, store, messages, change, options, effect);
    }
    // A record of no mailbox, no plan and no default is a prune's (or, on LDAP, a change whose items are not written yet).
    if (record.Changes.length === 0) {
      throw new UsageError(`Change ${id} changed no mailbox (${record.CommandLine}), so there is nothing to undo; history a prune removed cannot be restored.`);
    }
    const byGuid = new Map<string, ChangeItem[]>();
    for (const change of record.Changes) {
      const changes = byGuid.get(change.Guid);
      if (changes === undefined) byGuid.set(change.Guid, [change]);
      else changes.push(change);
    }
    const guids = [...byGuid.keys()];
    const current = new Map<string, PlannedMailbox>();
    progress.phase('Planning', 'mailboxes', guids.length);
    for await (const page of store.findMailboxes({ guids }, PLAN_FIELDS)) {
      for (const mailbox of page) current.set(mailbox.Guid.toLowerCase(), mailbox);
      progress.tick(page.length);
    }

    const reverted = (guid: string): boolean => {
      const mailbox = current.get(guid.toLowerCase());
      return mailbox !== undefined && (byGuid.get(guid) ?? []).every((c) => mailbox[c.Property] === c.Before);
    };
    // A mailbox an earlier undo of this change already restored has nothing to undo: not a conflict.
    const undoneBy = guids.some(reverted) ? await earlierUndos(store, id, record.WhenChanged) : new Map<string, number>();

    const plan = new PlanReport(messages, options);
    const writes = new WriteCollector();
    for (const [guid, recorded] of byGuid) {
      const mailbox = current.get(guid.toLowerCase());
      const reverts: SettingChange[] = recorded.map((c) => ({ property: c.Property, before: c.After, after: c.Before }));
      const first = recorded[0];
      const base = {
        Guid: guid,
        Name: mailbox?.Name ?? first?.Name ?? guid,
        PrimarySmtpAddress: mailbox?.PrimarySmtpAddress ?? first?.PrimarySmtpAddress ?? '',
        namedAs: undefined,
      };
      // An old change may have disabled the Administrator (before it read disabled everywhere): never re-enabled.
      if (mailbox !== undefined && refuses(mailbox, reverts)) {
        plan.add({ ...base, status: 'refused', changes: reverts });
        continue;
      }
      const intact = mailbox !== undefined && recorded.every((c) => mailbox[c.Property] === c.After);
      if (!intact && undoneBy.has(guid.toLowerCase()) && reverted(guid)) {
        plan.add({ ...base, status: 'unchanged', changes: [] });
        continue;
      }
      if (!intact) {
        plan.add({ ...base, status: 'conflict', changes: reverts });
        continue;
      }
      plan.add({ ...base, status: 'change', changes: reverts });
      for (const c of recorded) writes.add(guid, c.Property, c.Before, c.After);
    }
    if (plan.counts.unchanged === byGuid.size) {
      const by = [...new Set(undoneBy.values())].sort((a, b) => a - b).join(', ');
      messages.warning(`Change ${id} was already undone by change ${by}; there is nothing to undo.`);
    }
    // Only the protocols the undo changes: restoring IMAP4 settings leaves POP3's services alone.
    const services = servicesFor(PROTOCOLS.filter((p) => plan.properties.has(p.property)));
    const effect = await makeEffectiveOn(context, store, messages, setup, services, options);
    return runChange(context, store, messages, { plan, writes: writes.list(), notFound: 0, ambiguous: 0, undoOf: id, progress, ...effect }, options);
  }, 'write');
}

/** The mailboxes (lower-case Guid) that undos of change `id` restored → the newest such undo's id. */
async function earlierUndos(store: DirectoryStore, id: number, since: string): Promise<Map<string, number>> {
  const undone = new Map<string, number>();
  for await (const page of store.changeRecords({ since: new Date(since) })) {
    for (const record of page) {
      if (record.UndoOf !== id) continue;
      for (const item of record.Changes) undone.set(item.Guid.toLowerCase(), record.Id);
    }
  }
  return undone;
}
