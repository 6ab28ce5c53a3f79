import type { LastLogonSource, MailboxLastLogons } from './last-logons.js';
import type { Mailbox } from './mailbox.js';

/**
 * The recorded logins of a batch of mailboxes, in one call to the source: the result is aligned
 * with `mailboxes` (`{}` for a mailbox with none recorded within the retention). What every
 * command that shows, filters or decides on activity joins its batches with; never call it per
 * mailbox, as each call is a query.
 */
export async function lastLogonsOf(source: LastLogonSource, mailboxes: readonly Pick<Mailbox, 'PrimarySmtpAddress'>[]): Promise<MailboxLastLogons[]> {
  if (mailboxes.length === 0) return [];
  const users = [...new Set(mailboxes.map((mailbox) => mailbox.PrimarySmtpAddress))];
  const found = await source.lastLogons(users);
  return mailboxes.map((mailbox) => found.get(mailbox.PrimarySmtpAddress) ?? {});
}
