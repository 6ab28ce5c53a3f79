import { StoreError, UsageError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { effectiveEnabled, refusesWrite } from '../../core/administrator.js';
import { admits, isNullable, protocolOf, type NullableProtocol, type Protocol, type SettingValue } from '../../core/protocols.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import type { LatestWrites } from '../../core/setting-writes.js';
import type { AppliedChange, ChangeContext, SettingWrite, TransportConfig } from '../directory-store.js';
import { ITEMS_PER_CHUNK, type ChangeLog, type RecordedItem } from './change-log.js';
import { chunks, forEachConcurrently } from '../../core/concurrency.js';
import type { LdapConnection, LdapEntry, Modification } from './connection.js';
import { ResultCode, isFatal, resultCode } from './errors.js';
import { isAdministratorEntry } from './entries.js';
import type { MailboxSearch } from './mailbox-search.js';
import { administratorTest, switchValues, type LdapMapping, type ServiceValues } from './mapping.js';
import { enablesProtocol, serviceValuesModification, settingValueOf } from './protocol-values.js';
import { unwritableSetting } from './unwritable-settings.js';

/** Only entries that are not the Administrator mailbox may gain a protocol the rule covers (RFC 4528 assertion); null: no mailbox is. */
export function notAdministrator(mapping: LdapMapping): string | null {
  const test = administratorTest(mapping);
  return test === null ? null : `(!${test})`;
}

/** One setting of one mailbox: LDAP applies per entry. */
type MailboxWrite = Omit<SettingWrite, 'guids'> & { Guid: string };

/** A write with the value it replaces and the modifications that make it, worked out from the entry as read. */
type PlannedWrite = MailboxWrite & { before: SettingValue; modifications: Modification[] };

interface MailboxWrites {
  guid: string;
  dn: string;
  writes: PlannedWrite[];
}

/**
 * set-casmailbox on LDAP. An LDAP directory has no transaction across entries, so unlike the
 * SQLite store this cannot be all or nothing: each mailbox is one modify (atomic for that entry),
 * `concurrency` of them in flight, and a failure is reported for its mailbox while the others
 * apply (AppliedChange.failures). A failure that would repeat for every mailbox (bad credentials,
 * schema, server gone) stops the run instead; if nothing was applied by then it is thrown, as is
 * "insufficient access" on every mailbox (a bind DN that may not write them).
 *
 * Each write is its own compare-and-set: enabling adds the protocol's casEnabledService values
 * the entry lacks, disabling deletes them all, and the server refuses an add of a present value
 * (20) or a delete of an absent one (16). Such a write changed nothing and is no failure; and since a setting is a
 * boolean, "only while the stored value equals `from`" (undo) is exactly the same condition. The
 * Administrator mailbox is skipped when read, and enabling carries an assertion control so the
 * server refuses it even if the entry was flagged after the read.
 *
 * Progress: "Reading directory" (the mailboxes' stored values), "Writing history" (the intent
 * blocks' settings), "Modifying entries" (one tick per mailbox, applied or failed).
 */
export async function applyCasChanges(
  connection: LdapConnection,
  mailboxes: MailboxSearch,
  changeLog: ChangeLog,
  writes: LatestWrites,
  context: ChangeContext,
  concurrency: number,
  defaults: TransportConfig,
  mapping: LdapMapping,
  progress?: ProgressSink,
): Promise<AppliedChange> {
  for (const write of writes) {
    const why = unwritableSetting(mapping, write.property, write.to);
    if (why !== null) throw new UsageError(why);
  }
  const planned = await plan(mailboxes, writes, defaults, mapping, progress);
  if (planned.length === 0) return { changeId: null, mailboxes: 0, settings: 0 };

  await changeLog.reconcile(context.when);
  const id = await changeLog.allocateId();
  await changeLog.createRecord(id, context);
  // Intent first: every planned item is in the history before its modify is sent, so a run that
  // dies leaves no applied change unrecorded. The blocks are trimmed to what applied at the end,
  // or by the next run's reconcile when this one never gets there.
  const intent = planned.flatMap((mailbox) => mailbox.writes.map((write) => item(mailbox.guid, write)));
  const blocks = chunks(intent, ITEMS_PER_CHUNK);
  progress?.phase('Writing history', 'settings', intent.length);
  try {
    await forEachConcurrently(blocks.map((block, i) => ({ block, number: i + 1 })), HISTORY_CONCURRENCY, async ({ block, number }) => {
      await changeLog.writeChunk(id, number, block);
      progress?.tick(block.length);
    });
  } catch (error) {
    await changeLog.discard(id).catch(() => undefined);
    throw error;
  }

  const failures: { Guid: string; message: string }[] = [];
  let fatal: unknown;
  let denied: unknown;
  const applied = new Set<string>();
  const changed = new Set<string>();

  progress?.phase('Modifying entries', 'mailboxes', planned.length);
  await forEachConcurrently(
    planned,
    concurrency,
    async (mailbox) => {
      try {
        const items = await applyOne(connection, mailbox, notAdministrator(mapping));
        if (items.length === 0) return;
        changed.add(fold(mailbox.guid));
        for (const done of items) applied.add(itemKey(done));
      } catch (error) {
        // No write access to one entry may be an ACL scoped to some OUs: that mailbox fails, the rest go on.
        if (resultCode(error) === ResultCode.InsufficientAccessRights) denied ??= error;
        else if (isFatal(error)) fatal ??= error;
        failures.push({ Guid: mailbox.guid, message: connection.fail(error, `change ${mailbox.dn}`).message });
      } finally {
        progress?.tick(1);
      }
    },
    () => fatal !== undefined,
  );
  try {
    await changeLog.trim(id, blocks, (recorded: RecordedItem) => applied.has(itemKey(recorded)));
  } catch (error) {
    throw new StoreError(
      `${applied.size} settings of ${changed.size} mailboxes were changed and recorded as change ${id}, but its history still lists the items that did not apply, until the next change tidies it: ${(error as Error).message}`,
    );
  }

  if (fatal !== undefined) {
    const stopped = new Set(failures.map((f) => fold(f.Guid)));
    const message = connection.fail(fatal, 'change mailboxes').message;
    for (const mailbox of planned) {
      if (!changed.has(fold(mailbox.guid)) && !stopped.has(fold(mailbox.guid))) failures.push({ Guid: mailbox.guid, message: `Not attempted: ${message}` });
    }
  }
  if (applied.size === 0) {
    await changeLog.discard(id);
    if (fatal !== undefined) throw connection.fail(fatal, 'change mailboxes');
    // Write access to no mailbox at all: the bind DN's problem, not the mailboxes'.
    if (denied !== undefined && failures.length === planned.length) throw connection.fail(denied, 'change mailboxes');
    return { changeId: null, mailboxes: 0, settings: 0, ...(failures.length > 0 ? { failures } : {}) };
  }
  await changeLog.complete(id);
  return { changeId: id, mailboxes: changed.size, settings: applied.size, ...(failures.length > 0 ? { failures } : {}) };
}

/** History blocks written at once: the intent of a million-mailbox change is a thousand adds. */
const HISTORY_CONCURRENCY = 4;

function item(guid: string, write: PlannedWrite): RecordedItem {
  return { Guid: guid, Property: write.property, Before: write.before, After: write.to };
}

function itemKey(recorded: RecordedItem): string {
  return `${fold(recorded.Guid)} ${recorded.Property}`;
}

/**
 * The writes that would still change something, grouped per mailbox, with each mailbox's DN.
 * As on SQLite: Guids not in the store are dropped, a write is kept only while the stored value
 * differs from `to` and equals `from` (when given), and the Administrator mailbox is never enabled.
 */
async function plan(mailboxes: MailboxSearch, writes: LatestWrites, defaults: TransportConfig, mapping: LdapMapping, progress: ProgressSink | undefined): Promise<MailboxWrites[]> {
  // One per (mailbox, setting): a write may name a mailbox twice.
  const latest = new Map<string, MailboxWrite>();
  for (const { guids, ...write } of writes) {
    for (const guid of guids) latest.set(`${fold(guid)} ${write.property}`, { ...write, Guid: guid });
  }
  const entries = await mailboxes.entriesByGuid(
    [...latest.values()].map((w) => w.Guid),
    [mapping.switches.attribute, ...(mapping.administrator === null ? [] : [mapping.administrator.attribute]), ...Object.values(mapping.settingAttributes)],
    progress,
  );
  const byMailbox = new Map<string, MailboxWrites>();
  for (const write of latest.values()) {
    const entry = entries.get(fold(write.Guid));
    if (entry === undefined) continue;
    // Compared as read, as the plan compared them: the Administrator reads disabled whatever the
    // entry holds, so disabling it is no change, and enabling it is refused.
    const administrator = isAdministratorEntry(entry, mapping);
    const protocol = protocolOf(write.property);
    const current = isNullable(protocol) ? settingValueOf(entry, protocol as NullableProtocol, mapping) : effectiveEnabled(protocol, administrator, enablesProtocol(entry, protocol, mapping));
    if (current === write.to || (write.from !== undefined && current !== write.from)) continue;
    if (refusesWrite(protocol, administrator, write.to)) continue;
    const guid = entry.first(mapping.guid) ?? write.Guid;
    const group = byMailbox.get(fold(guid)) ?? { guid, dn: entry.dn, writes: [] };
    group.writes.push({ ...write, before: current, modifications: modificationsFor(entry, protocol, current, write.to, defaults, mapping) });
    byMailbox.set(fold(guid), group);
  }
  return [...byMailbox.values()];
}

/**
 * What writing `to` over `current` does to the entry. An Enabled setting is its casEnabledService
 * values. A nullable one is its attribute (replaced by deleting the value read and adding the new
 * one, so the modify fails when another admin changed it since), plus the values when what the
 * setting and the organisation default make it changes.
 */
function modificationsFor(entry: LdapEntry, protocol: Protocol, current: SettingValue, to: SettingValue, defaults: TransportConfig, mapping: LdapMapping): Modification[] {
  // unwritableSetting refused every protocol without values of its own.
  const values = switchValues(mapping, protocol.name) as ServiceValues;
  if (!isNullable(protocol)) return [serviceValuesModification(entry, values, to === true, mapping)];
  const attribute = mapping.settingAttributes[(protocol as NullableProtocol).name];
  // No attribute of its own: the values are the setting (a $null was refused up front).
  if (attribute === undefined) return [serviceValuesModification(entry, values, admits(protocol, to, false), mapping)];
  const text = (value: boolean): string => (value ? 'TRUE' : 'FALSE');
  const modifications: Modification[] = [
    ...(current === null ? [] : [{ operation: 'delete' as const, attribute, values: [text(current)] }]),
    ...(to === null ? [] : [{ operation: 'add' as const, attribute, values: [text(to)] }]),
  ];
  const admitted = admits(protocol, to, defaults[protocol.property as keyof TransportConfig]);
  if (admitted !== enablesProtocol(entry, protocol, mapping)) modifications.push(serviceValuesModification(entry, values, admitted, mapping));
  return modifications;
}

/**
 * One mailbox's writes as one modify. If the server says one of them changes nothing (16/20) the
 * modify as a whole did nothing, so each write is tried alone to find the ones that still apply.
 */
async function applyOne(connection: LdapConnection, mailbox: MailboxWrites, assertion: string | null): Promise<RecordedItem[]> {
  const attempt = async (writes: readonly PlannedWrite[]): Promise<boolean> => {
    try {
      await connection.modify(mailbox.dn, writes.flatMap((write) => write.modifications), assertion !== null && writes.some((w) => refusesWrite(protocolOf(w.property), true, w.to)) ? assertion : undefined);
      return true;
    } catch (error) {
      const code = resultCode(error);
      if (code === ResultCode.NoSuchAttribute || code === ResultCode.AttributeOrValueExists || code === ResultCode.AssertionFailed) return false;
      throw error;
    }
  };
  if (await attempt(mailbox.writes)) return mailbox.writes.map((write) => item(mailbox.guid, write));
  if (mailbox.writes.length === 1) return [];
  const applied: RecordedItem[] = [];
  for (const write of mailbox.writes) if (await attempt([write])) applied.push(item(mailbox.guid, write));
  return applied;
}
