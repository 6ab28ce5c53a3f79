import { StoreError, UsageError } from '../../core/errors.js';
import { BUILT_IN_DEFAULTS, NULLABLE_PROTOCOLS, admits, protocolOf, type NullableProtocol } from '../../core/protocols.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import { forEachConcurrently } from '../../core/concurrency.js';
import type { AppliedChange, ChangeContext, TransportConfig, TransportConfigWrite } from '../directory-store.js';
import { ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import { TRANSPORT_CONFIG_ITEM, type ChangeLog } from './change-log.js';
import type { LdapConnection, LdapEntry, Modification } from './connection.js';
import { ResultCode, resultCode } from './errors.js';
import type { DirectoryLayout } from './layout.js';
import type { MailboxSearch } from './mailbox-search.js';
import { DEFAULT_ATTRIBUTE, ENABLED_SERVICE_VALUES, SETTING_ATTRIBUTE, serviceValuesModification } from './protocol-values.js';

const text = (value: boolean): string => (value ? 'TRUE' : 'FALSE');

/** The organisation defaults the container holds; an absent attribute is casctl's built-in default. */
export async function readTransportConfig(connection: LdapConnection, layout: DirectoryLayout): Promise<TransportConfig> {
  const container = await connection.read(layout.containerDn, NULLABLE_PROTOCOLS.map((p) => DEFAULT_ATTRIBUTE[p.name]));
  return Object.fromEntries(
    NULLABLE_PROTOCOLS.map((p) => {
      const value = container?.first(DEFAULT_ATTRIBUTE[p.name])?.toUpperCase();
      return [p.property, value === undefined || value === null ? BUILT_IN_DEFAULTS[p.property] : value === 'TRUE'];
    }),
  ) as TransportConfig;
}

export interface TransportTarget {
  connection: LdapConnection;
  layout: DirectoryLayout;
  mailboxes: MailboxSearch;
  changeLog: ChangeLog;
  concurrency: number;
}

/**
 * set-transportconfig on LDAP, which has no transaction across entries: the change is recorded
 * (intent: one item naming the default), the container's default is set by a compare-and-set
 * (delete the value read, add the new one), and then every mailbox that follows the default and
 * whose casEnabledService values say otherwise is modified, each with an assertion that it still
 * follows the default (a mailbox set meanwhile keeps its own value). The sweep runs even when the
 * default already holds the value, so running the command again finishes a run cut short.
 */
export async function setTransportConfig(target: TransportTarget, write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
  const { connection, layout, changeLog } = target;
  const protocol = protocolOf(write.property) as NullableProtocol;
  if (layout.mapping.settingAttributes[protocol.name] === undefined) {
    throw new UsageError(
      `The LDAP profile '${layout.mapping.profile ?? 'casctl'}' holds ${write.property} in each mailbox's ${layout.mapping.switches.attribute} values alone: no mailbox follows an organisation default, so there is none to set. Set it per mailbox with set-casmailbox.`,
    );
  }
  const attribute = DEFAULT_ATTRIBUTE[protocol.name];
  const container = await connection.read(layout.containerDn, [attribute]);
  const held = container?.first(attribute) ?? null;
  const before = held === null ? BUILT_IN_DEFAULTS[write.property] : held.toUpperCase() === 'TRUE';
  if (write.from !== undefined && before !== write.from) return { changeId: null, mailboxes: 0, settings: 0 };
  let changeId: number | null = null;
  if (before !== write.to) {
    await changeLog.reconcile(context.when);
    changeId = await changeLog.allocateId();
    await changeLog.createRecord(changeId, context);
    const modifications: Modification[] = [
      ...(held === null ? [] : [{ operation: 'delete' as const, attribute, values: [held] }]),
      { operation: 'add', attribute, values: [text(write.to)] },
    ];
    try {
      await changeLog.writeChunk(changeId, 1, [{ Guid: TRANSPORT_CONFIG_ITEM, Property: write.property, Before: before, After: write.to }]);
      await connection.modify(layout.containerDn, modifications);
    } catch (error) {
      await changeLog.discard(changeId).catch(() => undefined);
      const code = resultCode(error);
      if (code === ResultCode.NoSuchAttribute || code === ResultCode.AttributeOrValueExists) {
        throw new StoreError(`Another admin changed ${write.property} of the organisation at the same time; nothing was changed: try again.`);
      }
      throw connection.fail(error, `set ${write.property} on ${layout.containerDn}`);
    }
  }
  const mailboxes = await followDefault(target, protocol, write.to, progress);
  if (changeId !== null) await changeLog.complete(changeId);
  return { changeId, mailboxes, settings: changeId === null ? 0 : 1 };
}

/** Brings every mailbox that follows the default to what the default `value` makes it; returns how many it modified. */
async function followDefault(target: TransportTarget, protocol: NullableProtocol, value: boolean, progress: ProgressSink | undefined): Promise<number> {
  const values = ENABLED_SERVICE_VALUES[protocol.name];
  const setting = SETTING_ATTRIBUTE[protocol.name];
  const admitted = admits(protocol, null, value);
  const holds = values.map((v) => `(${ENABLED_SERVICE_ATTRIBUTE}=${v})`);
  // Admitted: those lacking any value; refused: those holding any.
  const wrong = admitted ? `(|${holds.map((h) => `(!${h})`).join('')})` : `(|${holds.join('')})`;
  const follows = `(!(${setting}=*))`;
  let modified = 0;
  progress?.phase('Modifying entries', 'mailboxes');
  for await (const page of target.mailboxes.entriesMatching(`(&${follows}${wrong})`, ['casGuid', ENABLED_SERVICE_ATTRIBUTE])) {
    await forEachConcurrently(page, target.concurrency, async (entry: LdapEntry) => {
      try {
        await target.connection.modify(entry.dn, [serviceValuesModification(entry, values, admitted)], follows);
        modified++;
      } catch (error) {
        const code = resultCode(error);
        // Changed since it was read (its own value set, or already turned): nothing left to do for it.
        if (code === ResultCode.AssertionFailed || code === ResultCode.NoSuchAttribute || code === ResultCode.AttributeOrValueExists) return;
        throw target.connection.fail(error, `change ${entry.dn}`);
      } finally {
        progress?.tick(1);
      }
    });
  }
  return modified;
}
