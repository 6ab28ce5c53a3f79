import type { CasSettingName, CasSettings } from '../store/directory-store.js';
import type { Mailbox } from './mailbox.js';
import type { NamedIdentity } from './select.js';

export interface SettingChange {
  property: CasSettingName;
  before: boolean;
  after: boolean;
}

/** `conflict`: an undo whose mailbox was changed again since; it is left alone. */
export type PlanStatus = 'change' | 'unchanged' | 'refused' | 'conflict';

/** One mailbox's part of a change: small, so a plan over a million mailboxes fits in memory. */
export interface PlanItem {
  Guid: string;
  Name: string;
  PrimarySmtpAddress: string;
  namedAs: NamedIdentity | undefined;
  status: PlanStatus;
  changes: SettingChange[];
}

const SETTING_ORDER: readonly CasSettingName[] = ['PopEnabled', 'ImapEnabled'];

/**
 * What setting `wanted` on `mailbox` would do. The Administrator mailbox may never be enabled for
 * POP3 or IMAP4 (DESIGN.md §2): enabling it is refused; disabling it changes nothing, as it reads disabled.
 */
export function planFor(mailbox: Mailbox, wanted: CasSettings, namedAs: NamedIdentity | undefined): PlanItem {
  const base = { Guid: mailbox.Guid, Name: mailbox.Name, PrimarySmtpAddress: mailbox.PrimarySmtpAddress, namedAs };
  const changes: SettingChange[] = [];
  for (const property of SETTING_ORDER) {
    const after = wanted[property];
    if (after !== undefined && mailbox[property] !== after) changes.push({ property, before: mailbox[property], after });
  }
  if (mailbox.IsAdministrator && changes.some((c) => c.after)) return { ...base, status: 'refused', changes };
  return { ...base, status: changes.length === 0 ? 'unchanged' : 'change', changes };
}

/** How a mailbox is named in messages: as the admin named it, else by its Name. */
export function shownIdentity(item: PlanItem): string {
  return item.namedAs?.identity ?? item.Name;
}
