import { parseFilter } from '../filter/index.js';
import type { AppliedChange, DirectoryStore, MailboxQuery } from '../store/directory-store.js';
import { changeContext, type ChangeSource } from './change-context.js';
import { MAILBOX_FILTER_SCHEMA } from './properties.js';
import type { NullableSettingName } from './protocols.js';

/** The mailboxes that follow the organisation default of a nullable setting: theirs is $null. */
export function followersQuery(property: NullableSettingName): MailboxQuery {
  return { filter: parseFilter(`${property} -eq $null`, MAILBOX_FILTER_SCHEMA) };
}

/** Sets an organisation default from `before` to `after`, recorded as made by `source`'s actor (an undo names the change it undoes). */
export function applyTransportChange(
  store: DirectoryStore,
  change: { property: NullableSettingName; before: boolean; after: boolean; undoOf?: number },
  source: ChangeSource,
): Promise<AppliedChange> {
  const context = changeContext(source, change.undoOf === undefined ? {} : { undoOf: change.undoOf });
  return store.setTransportConfig({ property: change.property, to: change.after, from: change.before }, context);
}
