import type { ChangeSummary } from './change-summary.js';
import { changeContext, type ChangeSource } from './change-context.js';
import type { PlanItem, SettingChange } from './plan.js';
import type { AppliedChange, DirectoryStore, SettingWrite } from '../store/directory-store.js';
import type { ProgressSink } from './progress-sink.js';

/** A change decided on: what to write, and the change it undoes. */
export interface DecidedChange {
  /** Re-checked against the store inside the transaction, so a race never loses an update. */
  writes: readonly SettingWrite[];
  undoOf?: number;
}

/** Writes a decided change, recorded as made by `source`'s actor at `source`'s time; `progress` hears the store's phases. */
export function applyChange(store: DirectoryStore, change: DecidedChange, source: ChangeSource, progress?: ProgressSink): Promise<AppliedChange> {
  return store.applyCasChanges(change.writes, changeContext(source, change.undoOf === undefined ? {} : { undoOf: change.undoOf }), progress);
}

export interface SettledSummary {
  summary: ChangeSummary;
  /**
   * Mailboxes the plan would change that another change had already settled when this one was
   * written (negative: mailboxes unchanged when planned that were changed after all).
   */
  settledElsewhere: number;
}

/**
 * The plan's summary, corrected by what the store did: it re-checked every write, and a store
 * that cannot apply all entries in one transaction (LDAP) reports the ones that failed; the rest
 * stand. Mailboxes another admin changed between the plan and the write are counted where they
 * ended up, so the summaries of concurrent runs add up.
 */
export function settleSummary(planned: ChangeSummary, applied: AppliedChange | null): SettledSummary {
  const summary = { ...planned, Changed: applied?.mailboxes ?? 0 };
  const failures = applied?.failures?.length ?? 0;
  summary.Failed += failures;
  const settledElsewhere = applied === null ? 0 : planned.Changed - failures - summary.Changed;
  if (settledElsewhere !== 0) summary.Unchanged = Math.max(0, summary.Unchanged + settledElsewhere);
  return { summary, settledElsewhere };
}

/** `Name <address>` of the mailboxes a store failed to change, by lower-case Guid, for their messages. */
export async function mailboxLabels(store: DirectoryStore, guids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (guids.length === 0) return names;
  for await (const page of store.findMailboxes({ guids }, ['Guid', 'Name', 'PrimarySmtpAddress'])) {
    for (const m of page) names.set(m.Guid.toLowerCase(), `${m.Name} <${m.PrimarySmtpAddress}>`);
  }
  return names;
}

/** The settings a store changed, per mailbox (lower-case Guid): what another change's race makes differ from the plan. */
export type ChangesMade = ReadonlyMap<string, readonly SettingChange[]>;

/** What change `changeId` changed, read back from its record; nothing for no change. */
export async function changesMade(store: DirectoryStore, changeId: number | null): Promise<ChangesMade> {
  const made = new Map<string, SettingChange[]>();
  if (changeId === null) return made;
  for (const record of await store.getChangeRecords({ id: changeId })) {
    for (const c of record.Changes) {
      const guid = c.Guid.toLowerCase();
      const changes = made.get(guid) ?? [];
      changes.push({ property: c.Property, before: c.Before, after: c.After });
      made.set(guid, changes);
    }
  }
  return made;
}

/**
 * A planned item as the store left it, so that the items and the counts tell the same story:
 * `failed` when its write failed; with `made` (what the store changed, when that differs from the
 * plan), `change` if the store changed it and `unchanged` if a planned change was not made.
 */
export function settleItem(item: PlanItem, failed: ReadonlySet<string>, made: ChangesMade | undefined): PlanItem {
  const guid = item.Guid.toLowerCase();
  if (failed.has(guid)) return { ...item, status: 'failed' };
  if (made === undefined) return item;
  const changes = made.get(guid);
  if (changes !== undefined) return item.status === 'change' ? item : { ...item, status: 'change', changes };
  return item.status === 'change' ? { ...item, status: 'unchanged', changes: [] } : item;
}
