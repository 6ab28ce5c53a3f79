import type { Command } from 'commander';

/** One example: what it does, and the command line that does it, as typed in a POSIX shell. */
export interface Example {
  text: string;
  line: string;
}

/**
 * The examples each command's --help ends with, and the man page shows: the Exchange article's
 * procedures where they fit, on identities of the sample directory (`casctl init --sample`).
 * A command is one entry here; test/unit/cli/help-examples.test.ts runs every line.
 */
export const COMMAND_EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  init: [
    { text: 'Create ./casctl.db with the Tailspin Toys sample directory (232 mailboxes)', line: 'casctl init --sample' },
    { text: 'Create an empty store where Dovecot will read it', line: 'casctl init --store /var/lib/casctl/directory.db' },
    { text: "Manage the iRedMail directory --store or CASCTL_STORE names, in place: only casctl's own entries or tables are added", line: 'casctl init --profile iredmail' },
  ],
  import: [
    { text: 'See what a CSV feed would create and change, import nothing (-WhatIf)', line: 'casctl import users.csv --what-if' },
    { text: 'Load or update the mailboxes it names, all or nothing', line: 'casctl import users.csv' },
  ],
  'get-mailbox': [
    {
      text: 'Turn POP3 and IMAP4 off for the user mailboxes of the North America\\Finance OU (the article\'s Get-Mailbox | Set-CASMailbox)',
      line: `casctl get-mailbox --organizational-unit 'North America\\Finance' --filter "RecipientTypeDetails -eq 'UserMailbox'" -o id | casctl set-casmailbox - --pop-enabled false --imap-enabled false --yes`,
    },
    { text: 'Mailboxes whose name, alias or address starts with rand, in Exchange\'s spelling', line: "casctl Get-Mailbox 'rand*' -ResultSize Unlimited" },
  ],
  'get-user': [
    {
      text: 'Turn POP3 and IMAP4 off for the Engineering department in Washington state (the article\'s Get-User | Set-CASMailbox)',
      line: `casctl get-user --filter "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'" -o json | casctl set-casmailbox - --pop-enabled false --imap-enabled false --yes`,
    },
    { text: 'Department, Title and StateOrProvince of one person', line: 'casctl get-user "Rand Zaher" --property Name,Department,Title,StateOrProvince' },
  ],
  'get-casmailbox': [
    { text: "One mailbox's settings, every one of them (Get-CASMailbox -Identity)", line: 'casctl get-casmailbox "Rand Zaher" -o list' },
    { text: 'Every mailbox with POP3 and IMAP4 both off, never cut at 1000', line: "casctl get-casmailbox --filter 'PopEnabled -eq $false -and ImapEnabled -eq $false'" },
    {
      text: "Check the Engineering department in Washington state (the article's Get-User | Get-CASMailbox)",
      line: `casctl get-user --filter "Department -like 'Engineering*' -and StateOrProvince -eq 'WA'" -o id | casctl get-casmailbox -`,
    },
  ],
  'get-mailboxstatistics': [
    { text: 'Size, item count and last logins of one mailbox', line: 'casctl get-mailboxstatistics rand.zaher@tailspintoys.com -o list' },
    { text: 'Every mailbox of an OU, as CSV for a spreadsheet', line: "casctl Get-MailboxStatistics -OrganizationalUnit 'North America/Finance' -ResultSize Unlimited -o csv > sizes.csv" },
    { text: 'Mailboxes last read over POP3 before September 2026', line: `casctl get-mailboxstatistics --filter "LastPopLogonTime -lt '2026-09-01'" -o json` },
  ],
  'get-organizationalunit': [
    { text: 'Every OU with its canonical name, DN and Guid', line: 'casctl get-organizationalunit' },
    { text: 'One OU, named as Exchange writes it', line: "casctl get-organizationalunit 'North America\\Finance' -o list" },
  ],
  'set-casmailbox': [
    { text: 'Turn POP3 and IMAP4 off for one mailbox (Set-CASMailbox -Identity "Rand Zaher")', line: 'casctl set-casmailbox "Rand Zaher" --pop-enabled false --imap-enabled false' },
    {
      text: 'The same for the user mailboxes of an OU and its children, without asking',
      line: `casctl set-casmailbox --organizational-unit 'North America\\Finance' --filter "RecipientTypeDetails -eq 'UserMailbox'" --pop-enabled false --imap-enabled false --yes`,
    },
    { text: 'The mailboxes of a text file, one address per line: first see what would change (-WhatIf)', line: 'casctl set-casmailbox --file Accounts.txt --pop-enabled false --imap-enabled false --what-if' },
  ],
  'get-casmailboxplan': [
    { text: 'The defaults new mailboxes take: Default and every OU plan', line: 'casctl get-casmailboxplan' },
    { text: "One OU's plan, with the effective values and where they come from", line: "casctl get-casmailboxplan 'tailspintoys.com/North America/Finance' -o list" },
  ],
  'set-casmailboxplan': [
    { text: 'New mailboxes in North America get no POP3 (existing ones keep theirs)', line: "casctl set-casmailboxplan 'tailspintoys.com/North America' --pop-enabled false --yes" },
    { text: "The same for IMAP4 in Finance, in Exchange's spelling", line: "casctl Set-CASMailboxPlan -Identity 'tailspintoys.com/North America/Finance' -ImapEnabled '$false' -Confirm:'$false'" },
    { text: 'Finance stops holding ImapEnabled, so it is inherited again: look first', line: "casctl set-casmailboxplan 'tailspintoys.com/North America/Finance' --clear ImapEnabled --what-if" },
  ],
  'get-transportconfig': [
    { text: 'The organisation default of SMTP AUTH', line: 'casctl get-transportconfig' },
    { text: 'The same, for a script', line: 'casctl Get-TransportConfig -o json' },
  ],
  'set-transportconfig': [
    { text: 'See which mailboxes refusing SMTP AUTH by default would affect', line: 'casctl set-transportconfig --smtp-client-authentication-disabled true --what-if' },
    { text: 'Refuse it, and make that effective now', line: "casctl Set-TransportConfig -SmtpClientAuthenticationDisabled '$true' --yes --restart" },
  ],
  'get-config': [
    { text: 'The settings casctl uses and where each came from (a flag, the environment, which file, the default)', line: 'casctl get-config' },
    { text: 'Which configuration file is used, and which are shadowed, for a script', line: 'casctl get-config -o json' },
  ],
  completion: [
    { text: "Install the bash completion for yourself, loaded by bash-completion at the first TAB", line: 'casctl completion bash > ~/.local/share/bash-completion/completions/casctl' },
    { text: 'Install the zsh completion as a function on $fpath', line: 'casctl completion zsh > ~/.zfunc/_casctl' },
    { text: 'Install the fish completion', line: 'casctl completion fish > ~/.config/fish/completions/casctl.fish' },
  ],
  'get-dovecotconfig': [
    { text: 'The passdb/userdb configuration that makes Dovecot enforce the store', line: 'casctl get-dovecotconfig' },
    { text: 'Write it, and record every IMAP and POP3 login, for Dovecot to !include', line: 'casctl get-dovecotconfig --write /etc/dovecot/casctl --last-logons' },
    { text: 'For Dovecot 2.3, telling a refused client why', line: 'casctl get-dovecotconfig --dovecot-version 2.3 --reason' },
  ],
  'get-service': [
    { text: 'Status of the POP3 and IMAP4 services (Get-Service MSExchangePOP3 ...)', line: 'casctl get-service MSExchangePOP3 MSExchangePOP3BE MSExchangeIMAP4 MSExchangeIMAP4BE' },
    { text: 'Every service, with the changes still pending on it', line: 'casctl get-service -o list' },
  ],
  'restart-service': [
    { text: 'Make a change effective by restarting the four services, as the article does', line: 'casctl restart-service MSExchangePOP3 MSExchangePOP3BE MSExchangeIMAP4 MSExchangeIMAP4BE' },
    { text: 'The same, by short names', line: 'casctl restart-service pop3 pop3be imap4 imap4be' },
  ],
  'refresh-service': [
    { text: 'Make every pending change effective without a restart: flush the changed logins, end the sessions that lost access', line: 'casctl refresh-service' },
    { text: 'Only the IMAP4 services, reporting as JSON', line: 'casctl refresh-service imap4 imap4be -o json' },
  ],
  audit: [
    { text: 'Check a policy (exit 5 on violations)', line: 'casctl audit policy.yml' },
    { text: 'The same as a JUnit report for CI', line: 'casctl audit policy.yml -o junit > report.xml' },
    { text: 'See the change --fix would make', line: 'casctl audit policy.yml --fix --what-if' },
  ],
  undo: [
    { text: 'See what undoing change 1 would restore', line: 'casctl undo 1 --what-if' },
    { text: 'Undo it, and make that effective now', line: 'casctl undo 1 --yes --restart' },
  ],
  'get-changelog': [
    { text: 'The changes of the last 7 days: who, when, from where', line: 'casctl get-changelog --since 7d' },
    { text: 'Change 1 in full, each mailbox before and after', line: 'casctl get-changelog 1 -o list' },
    { text: 'The settings now of every mailbox change 1 changed', line: 'casctl get-changelog 1 -o id | casctl get-casmailbox -' },
  ],
  'prune-changelog': [
    { text: 'Count the change records older than 90 days', line: 'casctl prune-changelog --before 90d --what-if' },
    { text: 'Remove those older than a date, without asking', line: 'casctl prune-changelog --before 2026-01-01 --yes' },
  ],
  'prune-lastlogons': [
    { text: 'Count the recorded logins older than the retention', line: 'casctl prune-lastlogons --what-if' },
    { text: 'Delete those older than 90 days', line: 'casctl prune-lastlogons --older-than 90' },
  ],
  'test-imapconnectivity': [
    { text: 'Log in over IMAP4 with TLS, the password from a file', line: 'casctl test-imapconnectivity rand.zaher@tailspintoys.com --server mail.example.com --tls --password-file pw.txt' },
    { text: "In Exchange's spelling, as JSON", line: 'casctl Test-ImapConnectivity -Identity rand.zaher@tailspintoys.com --server mail.example.com --password-file pw.txt -o json' },
  ],
  'test-popconnectivity': [
    { text: 'Log in over POP3 with TLS (port 995), the password from a file', line: 'casctl test-popconnectivity rand.zaher@tailspintoys.com --server mail.example.com --tls --password-file pw.txt' },
    { text: "In Exchange's spelling, as JSON", line: 'casctl Test-PopConnectivity -Identity rand.zaher@tailspintoys.com --server mail.example.com --password-file pw.txt -o json' },
  ],
};

/** The examples `casctl --help` ends with: where to start. */
export const PROGRAM_EXAMPLES: readonly Example[] = [
  { text: 'Create ./casctl.db with a sample directory to try things on', line: 'casctl init --sample' },
  { text: 'Every mailbox and its POP3/IMAP4 settings', line: 'casctl get-casmailbox' },
  { text: "Turn POP3 and IMAP4 off for a mailbox, in Exchange's spelling (quote $false in a Unix shell)", line: `casctl Set-CASMailbox -Identity "Rand Zaher" -PopEnabled:'$false' -ImapEnabled:'$false'` },
  { text: 'An audit that can change nothing', line: "casctl --read-only get-casmailbox --filter 'PopEnabled -eq $true' -o csv" },
  { text: "A command's options and examples", line: 'casctl set-casmailbox --help' },
  { text: 'Every SQL statement, LDAP operation and service command a command runs, on stderr', line: 'casctl --verbose get-casmailbox "Rand Zaher"' },
];

/** An Examples block as --help ends with it: each line a comment, then the command, so the block pastes as is. */
export function examplesText(examples: readonly Example[]): string {
  return `\nExamples:\n${examples.map((e) => `  # ${e.text}\n  ${e.line}\n`).join('\n')}`;
}

/** Ends the help of the program and of each command with its examples. */
export function addExamples(program: Command): void {
  program.addHelpText('after', examplesText(PROGRAM_EXAMPLES));
  for (const command of program.commands) {
    const examples = COMMAND_EXAMPLES[command.name()];
    if (examples !== undefined) command.addHelpText('after', examplesText(examples));
  }
}
