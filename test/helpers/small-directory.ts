/** A directory small enough to read at a glance, for the unit tests of selection, planning and audits. */
import type { NamedIdentity } from '../../src/core/select.js';
import type { RecordedLogon } from './last-logons.js';
import type { MailboxSeed } from './memory-store.js';

export const SMALL_DIRECTORY: readonly MailboxSeed[] = [
  { Name: 'Ann Lee', OrganizationalUnit: 'example.com/Sales', Department: 'Sales' },
  { Name: 'Bob Stone', OrganizationalUnit: 'example.com/Sales/East', Department: 'Sales', PopEnabled: false },
  { Name: 'Chris Green', Alias: 'chris.green1', OrganizationalUnit: 'example.com/Sales' },
  { Name: 'Chris Green', Alias: 'chris.green2', OrganizationalUnit: 'example.com/IT', ImapEnabled: false },
  { Name: 'Dana Fox', OrganizationalUnit: 'example.com/IT', Department: 'IT' },
  { Name: 'Eve Moss', OrganizationalUnit: 'example.com/Support/East', PopEnabled: false, ImapEnabled: false },
  // Its row asks for POP3 and IMAP4: it is stored, and reads, disabled.
  { Name: 'Administrator', Alias: 'Administrator', OrganizationalUnit: 'example.com/IT' },
];

/** Identities as the command line gives them: one batch, each an argument. */
export async function* argumentIdentities(...identities: string[]): AsyncGenerator<NamedIdentity[]> {
  yield identities.map((identity) => ({ identity, source: 'argument' }));
}

/** Logins of SMALL_DIRECTORY's mailboxes as seen at `now`: Ann Lee's POP3 long ago; Chris Green's (Sales) POP3 and Dana Fox's IMAP4 lately. */
export function smallDirectoryLogons(now: Date): RecordedLogon[] {
  const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);
  return [
    { user: 'ann.lee@example.com', service: 'pop3', time: daysAgo(200) },
    { user: 'chris.green1@example.com', service: 'pop3', time: daysAgo(2) },
    { user: 'dana.fox@example.com', service: 'imap', time: daysAgo(3) },
  ];
}
