import type { CasSettingName, CasSettings, SettingWrite } from '../store/directory-store.js';
import type { SettingValue } from './protocols.js';
import { refusesWrite } from './administrator.js';
import { fold, type Mailbox, type MailboxField } from './mailbox.js';
import { CAS_SETTINGS, protocolOf } from './protocols.js';
import type { NamedIdentity } from './select.js';

export interface SettingChange {
  readonly property: CasSettingName;
  readonly before: SettingValue;
  readonly after: SettingValue;
}

/**
 * `conflict`: an undo whose mailbox was changed again since; it is left alone. `failed`: never
 * planned, only settled (core/apply-change.ts): the store could not write it (LDAP, entry by entry).
 */
export type PlanStatus = 'change' | 'unchanged' | 'refused' | 'conflict' | 'failed';

/** One mailbox's part of a change: small, so a plan over a million mailboxes fits in memory. */
export interface PlanItem {
  Guid: string;
  Name: string;
  PrimarySmtpAddress: string;
  namedAs: NamedIdentity | undefined;
  status: PlanStatus;
  changes: readonly SettingChange[];
}

/** What planning a change reads of each mailbox. */
export const PLAN_FIELDS = ['Guid', 'Name', 'PrimarySmtpAddress', 'IsAdministrator', ...CAS_SETTINGS] as const satisfies readonly MailboxField[];
export type PlannedMailbox = Pick<Mailbox, (typeof PLAN_FIELDS)[number]>;

/**
 * The few distinct change lists a plan holds, shared: a bulk change over a million mailboxes
 * needs a million items, not a million copies of the same list.
 */
const SHARED_CHANGES = new Map<string, readonly SettingChange[]>();

function sharedChanges(changes: SettingChange[]): readonly SettingChange[] {
  const key = changes.map((c) => `${c.property}:${String(c.before)}>${String(c.after)}`).join(',');
  let shared = SHARED_CHANGES.get(key);
  if (shared === undefined) {
    shared = Object.freeze(changes.map((c) => Object.freeze(c)));
    SHARED_CHANGES.set(key, shared);
  }
  return shared;
}

/**
 * Whether `changes` would enable the Administrator mailbox: then the mailbox's whole change is
 * refused. Every plan (set-casmailbox, undo, audit --fix) asks this, so that the plan, the store's
 * re-check and the counts make the same one decision for it.
 */
export function refuses(mailbox: Pick<PlannedMailbox, 'IsAdministrator'>, changes: readonly Pick<SettingChange, 'property' | 'after'>[]): boolean {
  return changes.some((c) => refusesWrite(protocolOf(c.property), mailbox.IsAdministrator, c.after));
}

/**
 * What setting `wanted` on `mailbox` would do. The Administrator mailbox may never be enabled for a
 * protocol the rule covers (DESIGN.md §2): enabling it is refused; disabling it changes nothing, as it reads disabled.
 */
export function planFor(mailbox: PlannedMailbox, wanted: CasSettings, namedAs: NamedIdentity | undefined): PlanItem {
  const changes: SettingChange[] = [];
  for (const property of CAS_SETTINGS) {
    const after = wanted[property];
    if (after !== undefined && mailbox[property] !== after) changes.push({ property, before: mailbox[property], after });
  }
  const status = refuses(mailbox, changes) ? 'refused' : changes.length === 0 ? 'unchanged' : 'change';
  return { Guid: mailbox.Guid, Name: mailbox.Name, PrimarySmtpAddress: mailbox.PrimarySmtpAddress, namedAs, status, changes: sharedChanges(changes) };
}

/** Set-based writes collected mailbox by mailbox: one per setting, value and expected value. */
export class WriteCollector {
  private readonly writes = new Map<string, SettingWrite & { guids: string[] }>();

  add(guid: string, property: CasSettingName, to: SettingValue, from?: SettingValue): void {
    const key = `${property} ${String(to)} ${String(from)}`;
    let write = this.writes.get(key);
    if (write === undefined) {
      write = { property, to, ...(from === undefined ? {} : { from }), guids: [] };
      this.writes.set(key, write);
    }
    write.guids.push(guid);
  }

  list(): SettingWrite[] {
    return [...this.writes.values()];
  }
}

/**
 * How a mailbox is named in messages: as the admin named it, else by its Name; named by its
 * Guid (`-o id` piped in), by `Name <address>`, which a reader can tell apart.
 */
export function shownIdentity(item: PlanItem): string {
  const identity = item.namedAs?.identity;
  if (identity === undefined) return item.Name;
  return fold(identity.trim()) === fold(item.Guid) ? `${item.Name} <${item.PrimarySmtpAddress}>` : identity;
}
