/**
 * How a command may be spelled on the command line: casctl's name, or the Exchange cmdlet's
 * (`Get-CASMailbox`), in any case, as PowerShell's command names are. normalise-argv resolves a
 * typed word through commandKey; completion offers exchangeSpelling beside casctl's name.
 */

/** The cmdlets casctl's commands mirror, spelled as the Exchange Management Shell does; each is its command's name in another case. */
const EXCHANGE_CMDLETS = [
  'Get-Mailbox',
  'Get-User',
  'Get-CASMailbox',
  'Get-MailboxStatistics',
  'Get-OrganizationalUnit',
  'Set-CASMailbox',
  'Get-CASMailboxPlan',
  'Set-CASMailboxPlan',
  'Get-TransportConfig',
  'Set-TransportConfig',
  'Get-Service',
  'Restart-Service',
  'Test-ImapConnectivity',
  'Test-PopConnectivity',
] as const;

/** What a typed word and the command it names have in common: command names are case-insensitive. */
export function commandKey(word: string): string {
  return word.toLowerCase();
}

/** The Exchange spelling of a casctl command; undefined where Exchange has no such cmdlet (init, audit, ...). */
export function exchangeSpelling(command: string): string | undefined {
  return EXCHANGE_CMDLETS.find((cmdlet) => commandKey(cmdlet) === commandKey(command));
}

/** Every Exchange spelling, for the test that each names a command of the program. */
export const EXCHANGE_SPELLINGS: readonly string[] = EXCHANGE_CMDLETS;
