import { readFileSync } from 'node:fs';
import { Command, type Option } from 'commander';
import { ExitCode } from '../core/errors.js';
import { packageFile } from '../core/package-root.js';
import { printableLines } from '../core/printable.js';
import { CAS_SETTINGS, PROTOCOLS, isNullable, type ProtocolService } from '../core/protocols.js';
import { DEFAULT_ACTIVE_DAYS } from '../core/change-impact.js';
import { LAST_LOGON_PROTOCOLS } from '../core/last-logons.js';
import { DIRECTORY_PLAN_NAME } from '../core/directory-plan-name.js';
import { DOVECOT_VERSIONS } from '../dovecot/version.js';
import { AUDIT_FORMATS, CHANGE_FORMATS, CONFIG_FORMATS, LISTING_FORMATS, PLAN_CHANGE_FORMATS, RESULT_FORMATS, SETTINGS_FORMATS } from '../output/format-names.js';
import { useColour } from '../output/colour.js';
import { failureLine } from '../output/messages.js';
import { DEFAULT_CONFIG_PLACES } from './config-locations.js';
import type { CommandContext } from './context.js';
import { addExamples } from './help-examples.js';
import type { ArgvVocabulary } from './normalise-argv.js';
import { DIRECTORIES, FILES, organizationalUnits, valueArgument, valueOption, words } from './completion/offered-values.js';
import { COMPLETE_OU_COMMAND } from './completion/complete-ou-command.js';
import { SHELLS } from './completion/shells.js';
import { offeredSettingValues, settingOption } from './setting-options.js';
import { refuseConflictingRepeats } from './single-valued-options.js';

/**
 * Every command and option, in one place. Actions import their module only when they run,
 * so `--help` and `--version` load nothing but commander.
 */
export interface Cli {
  program: Command;
  vocabulary: ArgvVocabulary;
  /** The exit code the action that ran asked for. */
  exitCode(): number;
  /** The action that ran left work behind it must not wait for (CommandModule.endsProcess). */
  endsProcess(): boolean;
}

interface CommandModule<O> {
  run(context: CommandContext, options: O, args: string[]): Promise<number>;
  /**
   * The process ends as soon as `run` returns, whatever is still pending: a completion helper
   * that gave up on a store that never answers must not wait for its connection to time out.
   */
  endsProcess?: boolean;
}

function version(): string {
  const manifest = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const commaList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value.split(',').map((v) => v.trim()).filter(Boolean),
];

function selectionOptions(command: Command, verb: 'get' | 'set'): Command {
  const identityHelp =
    verb === 'get'
      ? 'mailboxes by Name, Alias, address, Guid, DN, canonical name, DOMAIN\\user or UPN (* wildcards allowed); "-" reads them from stdin'
      : 'mailboxes by Name, Alias, address, Guid, DN, canonical name, DOMAIN\\user or UPN; "-" reads them from stdin';
  return command
    .argument('[identity...]', identityHelp)
    .option('--identity <identity>', 'a mailbox identity (repeatable)', collect)
    .addOption(valueOption('--organizational-unit <ou>', 'mailboxes in this OU and its children (name, canonical name, North America\\Finance, DN or Guid)', organizationalUnits()))
    .option('--filter <opath>', `an OPATH filter, e.g. "Department -like 'Engineering*' -and StateOrProvince -eq 'WA'"`)
    .addOption(valueOption('--file <path>', 'one identity per line (UTF-8 or UTF-16 with BOM, # comments); "-" is stdin', FILES));
}

/** The get commands double as one-line CI checks. */
function listOptions(command: Command, noun: string): Command {
  return outputOptions(selectionOptions(command, 'get'), LISTING_FORMATS)
    .option('--result-size <n>', `at most n ${noun}, or Unlimited (the default)`)
    .option('--expect-none', 'exit 5 when anything matches: a one-line audit for CI');
}

/** test-imapconnectivity / test-popconnectivity: who logs in where, and how the password is given (never on argv). */
function connectivityOptions(command: Command, defaultPorts: string): Command {
  return command
    .argument('[identity]', "the login name: the mailbox's email address (sent lower-cased)")
    .option('--identity <address>', 'the login name, instead of the argument')
    .option('--server <host>', 'the server to log in to (default: 127.0.0.1)')
    .option('--port <n>', `the port (default: ${defaultPorts})`)
    .option('--tls', 'TLS from the first byte (implicit TLS, as on 993/995)')
    .option('--timeout <seconds>', 'give up after this many seconds (default: 10)')
    .addOption(valueOption('--password-file <path>', 'the password is the first line of this file ("-" is stdin); else CASCTL_TEST_PASSWORD, else a prompt on a terminal', FILES))
    .addOption(outputOption('table, list, json, ndjson (one JSON object per line) or csv', LISTING_FORMATS))
    .option('--csv-raw', CSV_RAW_HELP)
    .option('--property <names>', 'properties to show, comma-separated or repeated; * for all', commaList);
}

const CSV_RAW_HELP = "with -o csv: leave cells that start with = + - @ tab or CR as they are (else prefixed with ' so spreadsheets do not run them)";

/** `-o`: the formats the command checks it against, which completion offers; table unless told. */
function outputOption(help: string, formats: readonly string[]): Option {
  return valueOption('-o, --output <format>', help, words(formats)).default('table');
}

function outputOptions(command: Command, formats: readonly string[]): Command {
  const help = formats.includes('id') ? 'table, list, json, ndjson (one JSON object per line), csv or id (one Guid per line, for pipelines)' : 'table, list, json, ndjson (one JSON object per line) or csv';
  return command
    .addOption(outputOption(help, formats))
    .option('--csv-raw', CSV_RAW_HELP)
    .option('--property <names>', 'properties to show, comma-separated or repeated; * for all', commaList);
}

/** How help names the protocols: `POP3/IMAP4`. */
const PROTOCOL_NAMES = PROTOCOLS.map((p) => p.displayName).join('/');
const SERVICE_NAMES: readonly ProtocolService[] = PROTOCOLS.flatMap((p): readonly ProtocolService[] => p.services);

/** What a plan is named by: `Default` (the directory's) or an OU. */
const PLANS = organizationalUnits([DIRECTORY_PLAN_NAME]);

/** set-casmailbox's `--<protocol>-enabled` options, one per protocol. */
function settingOptions(command: Command): Command {
  for (const protocol of PROTOCOLS) {
    const help = isNullable(protocol) ? "true/false, $true/$false, 1/0, yes/no, or '$null': follow the organisation default (set-transportconfig)" : 'true/false, $true/$false, 1/0, yes/no';
    command.addOption(valueOption(`--${settingOption(protocol.property)} <bool>`, help, words(offeredSettingValues(isNullable(protocol)))));
  }
  return command;
}

/** plan → confirm → apply → report: the options of every command that changes the store. */
function changeOptions(
  command: Command,
  outputHelp = 'table (the plan, with --what-if), json (a machine-readable result) or ndjson (one change item per line)',
  formats: readonly string[] = CHANGE_FORMATS,
): Command {
  return command
    .option('-y, --yes', 'change several mailboxes without asking (-Confirm:$false)')
    .option('--confirm', 'ask before changing, even one mailbox (-Confirm)')
    .option('--what-if', 'show what would change, change nothing (-WhatIf)')
    .option('--atomic', 'if any item fails (not found, ambiguous, refused), change nothing at all')
    .option('--active-days <n>', `a recorded login (${LAST_LOGON_PROTOCOLS.map((p) => p.displayName).join(', ')}) within this many days counts as use, for the impact shown before turning a protocol off (default: ${DEFAULT_ACTIVE_DAYS})`)
    .option('--max-active <n>', 'refuse the change (exit 2, nothing changed) if more than n mailboxes that used a protocol it turns off within --active-days would lose it; exit 3 when logins are not recorded')
    .addOption(outputOption(outputHelp, formats));
}

/** set-casmailbox, undo and audit --fix: a change made effective at once, as refresh-service would. */
const RESTART_OPTION = ['--restart', 'make the change effective now: flush the changed logins, end the sessions that lost access'] as const;

export function buildProgram(context: CommandContext): Cli {
  let exitCode: number = ExitCode.Ok;
  let endsProcess = false;
  const run =
    <O>(load: () => Promise<CommandModule<O>>) =>
    async (...parameters: unknown[]): Promise<void> => {
      // commander passes the Command last; its option values are untyped, each module declares their shape.
      const command = parameters.at(-1) as Command;
      const module = await load();
      endsProcess = module.endsProcess === true;
      exitCode = await module.run(context, command.optsWithGlobals() as O, command.args);
    };

  const program = new Command('casctl')
    .description(`Exchange-style ${PROTOCOL_NAMES} access administration for self-hosted mail (Get-CASMailbox / Set-CASMailbox).`)
    .version(version(), '-V, --version')
    .addOption(valueOption('--store <url>', 'directory store: sqlite:<path>, a path, ldap[s]://host:port/<base DN>, postgres://user@host:port/<db> or mysql://user@host:port/<db> (default: CASCTL_STORE, the config file, ./casctl.db)', FILES))
    .addOption(valueOption('--config <path>', `casctl configuration file (default: the first of ${DEFAULT_CONFIG_PLACES}; casctl get-config shows which)`, FILES))
    .option('--read-only', 'refuse every change to the store (audits, reviews); a change command works with --what-if only')
    .option('--verbose', 'show the SQL statements, LDAP operations and service commands casctl runs, on stderr (no passwords, no bound values)')
    .showHelpAfterError("(run 'casctl --help' for the commands)")
    .exitOverride()
    // commander's errors quote what was typed: no control character of it reaches the terminal.
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(printableLines(s)),
      // In casctl's style, not commander's `error: ...`; a suggestion on the same line.
      outputError: (s) => context.stderr.write(failureLine(s.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' '), useColour(context.stderr, context.env))),
    });

  program
    .command('init')
    .description('create a directory store (and its directory); --sample loads the Tailspin Toys sample directory')
    .option('--sample', 'load the sample directory from fixtures/')
    .option('--profile <name>', "manage an existing directory in place through a mapping profile (iredmail on LDAP, PostgreSQL or MySQL, or the config's ldap/postgres/mysql profile): only casctl's own entries or tables are added")
    .action(run(() => import('./commands/init.js')));

  program
    .command('import')
    .description('load or update mailboxes from a CSV file whose columns are Exchange property names (all or nothing)')
    .addArgument(valueArgument('<file>', 'CSV file', FILES))
    .option('--what-if', 'show the mailboxes it would create and the changes it would make, import nothing (-WhatIf)')
    .action(run(() => import('./commands/import.js')));

  listOptions(program.command('get-mailbox'), 'mailboxes')
    .description('list mailboxes (Get-Mailbox)')
    .action(run(() => import('./commands/get-mailbox.js')));

  listOptions(program.command('get-user'), 'users')
    .description('list the users behind mailboxes: Department, Title, StateOrProvince, ... (Get-User)')
    .action(run(() => import('./commands/get-user.js')));

  listOptions(program.command('get-casmailbox'), 'mailboxes')
    .description(`show ${PROTOCOL_NAMES} access settings (Get-CASMailbox)`)
    .action(run(() => import('./commands/get-casmailbox.js')));

  listOptions(program.command('get-mailboxstatistics'), 'mailboxes')
    .description('show DisplayName, ItemCount, TotalItemSize and the last logons per protocol, counted by Dovecot without reading a message (Get-MailboxStatistics)')
    .action(run(() => import('./commands/get-mailboxstatistics.js')));

  outputOptions(program.command('get-organizationalunit'), LISTING_FORMATS)
    .description('list organizational units: Name, CanonicalName, DistinguishedName, Guid (Get-OrganizationalUnit)')
    .addArgument(valueArgument('[identity...]', 'OU name, canonical name, North America\\Finance, DN or Guid', organizationalUnits()))
    .action(run(() => import('./commands/get-organizationalunit.js')));

  settingOptions(changeOptions(selectionOptions(program.command('set-casmailbox'), 'set')))
    .description(`turn ${PROTOCOL_NAMES} on or off (Set-CASMailbox)`)
    .option(...RESTART_OPTION)
    .action(run(() => import('./commands/set-casmailbox.js')));

  outputOptions(program.command('get-casmailboxplan'), LISTING_FORMATS)
    .description('show the defaults new mailboxes take, for the directory (Default) and per OU (Get-CASMailboxPlan)')
    .addArgument(valueArgument('[identity...]', 'Default, or an OU: name, canonical name, North America\\Finance, DN or Guid (default: every plan)', PLANS))
    .addOption(valueOption('--identity <identity>', 'a plan, as the argument names it (repeatable)', PLANS).argParser(collect))
    .action(run(() => import('./commands/get-casmailboxplan.js')));

  settingOptions(program.command('set-casmailboxplan'))
    .description('change the defaults of new mailboxes for the directory or an OU; existing mailboxes keep theirs (Set-CASMailboxPlan)')
    .addArgument(valueArgument('[identity]', 'Default, or an OU: name, canonical name, North America\\Finance, DN or Guid', PLANS))
    .addOption(valueOption('--identity <identity>', 'the plan, instead of the argument (-Identity)', PLANS))
    .addOption(valueOption('--clear <setting>', 'stop holding a setting, so it is inherited again (repeatable; comma-separated)', words(CAS_SETTINGS)).argParser(commaList))
    .option('-y, --yes', 'change without asking (-Confirm:$false)')
    .option('--confirm', 'ask before changing (-Confirm)')
    .option('--what-if', 'show what would change, change nothing (-WhatIf)')
    .addOption(outputOption('table (the plan, with --what-if) or json (a machine-readable result)', PLAN_CHANGE_FORMATS))
    .action(run(() => import('./commands/set-casmailboxplan.js')));

  outputOptions(program.command('get-transportconfig'), SETTINGS_FORMATS)
    .description('show the organisation defaults: SmtpClientAuthenticationDisabled, which mailboxes set to $null follow (Get-TransportConfig)')
    .action(run(() => import('./commands/get-transportconfig.js')));

  const transport = program
    .command('set-transportconfig')
    .description('set the organisation default of SMTP AUTH, for every mailbox whose SmtpClientAuthenticationDisabled is $null (Set-TransportConfig)');
  for (const protocol of PROTOCOLS.filter(isNullable)) transport.addOption(valueOption(`--${settingOption(protocol.property)} <bool>`, 'true/false, $true/$false, 1/0, yes/no', words(offeredSettingValues(false))));
  transport
    .option('-y, --yes', 'change without asking (-Confirm:$false)')
    .option('--confirm', 'ask before changing (-Confirm)')
    .option('--what-if', 'show what would change, change nothing (-WhatIf)')
    .addOption(outputOption('table (messages only) or json (the result)', PLAN_CHANGE_FORMATS))
    .option(...RESTART_OPTION)
    .action(run(() => import('./commands/set-transportconfig.js')));

  program
    .command('get-dovecotconfig')
    .description('print (or --write) the passdb/userdb configuration that makes Dovecot enforce the store')
    .addOption(valueOption('--write <dir>', 'write casctl-auth.conf and the file it references into this directory', DIRECTORIES))
    .option('--reason', 'tell a refused client why: NO [CONTACTADMIN] imap access is disabled for this mailbox')
    .addOption(valueOption('--dovecot-version <version>', "the Dovecot syntax to write: 2.3 or 2.4 (default: the version of the Dovecot the services reach, else 2.4)", words(DOVECOT_VERSIONS)))
    .option('--webmail-network <cidr>', 'where the webmail logs in over IMAP from (repeatable; default: the config\'s dovecot.webmailNetworks): IMAP from there follows OWAEnabled', collect)
    .option('--ldap-uri <uri>', "LDAP: the servers this mail server's Dovecot reads, in order, its local replica first (repeatable or comma-separated; default: the store URL's)", collect)
    .option('--ldap-bind-dn <dn>', 'LDAP: the account Dovecot binds as for its lookups (a read-only one; default: anonymous)')
    .addOption(valueOption('--ldap-bind-password-file <file>', "LDAP: that account's password, written into the files with --write (never printed)", FILES))
    .option('--last-logons', 'also record every IMAP and POP3 login where casctl reads it (casctl-last-logons.conf; with --write, creates the logins database)')
    .option('--dict-user <user>', "with --last-logons --write: the user Dovecot's dict process runs as, who gets the logins file (default dovecot; uid[:gid] for a container's)")
    .option('--mail-user <user>', 'with --last-logons: the user the imap and pop3 processes run as (mail_uid), the only one let into the dict socket (default vmail)')
    .action(run(() => import('./commands/get-dovecotconfig.js')));

  for (const [name, description, module] of [
    ['get-service', `show the ${PROTOCOL_NAMES} services: Status, Name, DisplayName, pending changes (Get-Service)`, () => import('./commands/get-service.js')],
    ['restart-service', `restart ${PROTOCOL_NAMES} services so every change is effective (Restart-Service)`, () => import('./commands/restart-service.js')],
    ['refresh-service', 'make pending changes effective without a restart: flush changed logins, end sessions that lost access', () => import('./commands/refresh-service.js')],
  ] as const) {
    outputOptions(program.command(name), LISTING_FORMATS)
      .description(description)
      .addArgument(valueArgument('[name...]', `${SERVICE_NAMES.map((s) => s.Name).join(', ')} or ${SERVICE_NAMES.map((s) => s.ShortName).join(', ')} (default: all)`, words(SERVICE_NAMES.flatMap((s) => [s.Name, s.ShortName]))))
      .action(run(module));
  }

  // The change options apply with --fix, which goes through set-casmailbox's path.
  changeOptions(
    program
      .command('audit')
      .description(`check a policy of who may use ${PROTOCOL_NAMES}; exit 5 on violations (never changes anything unless --fix)`)
      .addArgument(valueArgument('<policy>', 'a YAML or JSON policy file (README "Audits")', FILES))
      .option('--fix', "turn the violations into a change through set-casmailbox's plan, confirmation and history")
      .option('--allow-outside-files', "let the policy's rules name files outside the policy's directory")
      .option(RESTART_OPTION[0], `with --fix: ${RESTART_OPTION[1]}`)
      .option('--csv-raw', CSV_RAW_HELP),
    'table, json, csv or junit (with --fix: table, json or ndjson, the change)',
    [...new Set([...AUDIT_FORMATS, ...CHANGE_FORMATS])],
  ).action(run(() => import('./commands/audit.js')));

  changeOptions(
    program
      .command('undo')
      .description('restore what a recorded change changed, where nothing has changed it since')
      .argument('<change-id>', 'the Id get-changelog shows')
      .option(...RESTART_OPTION),
  ).action(run(() => import('./commands/undo.js')));

  outputOptions(program.command('get-changelog'), LISTING_FORMATS)
    .description('list recorded changes: who, when, from where, and each mailbox before and after; with an id, one change in full')
    .argument('[change-id]', 'show this change in full (the Id the listing shows); -o id then prints the Guids of its mailboxes')
    .option('--id <change-id>', 'the change to show in full, instead of the argument')
    .option('--since <when>', 'only changes since a date (2026-11-01, ISO 8601) or a span back from now (30m, 12h, 7d)')
    .option('--identity <identity>', 'only changes to this mailbox, and only its items (repeatable)', collect)
    .option('--local-time', 'table, list and csv show times in this machine\'s zone (TZ is respected) with the offset; json stays UTC')
    .option('--utc', 'table, list and csv show times in UTC, whatever the config\'s "timeZone" says (the default)')
    .action(run(() => import('./commands/get-changelog.js')));

  program
    .command('prune-changelog')
    .description('remove change records older than a date or span, except those a service has not refreshed past (recorded; asks first)')
    .requiredOption('--before <when>', 'records older than a date (2026-11-01, ISO 8601) or a span back from now (30m, 12h, 90d)')
    .option('-y, --yes', 'remove without asking (-Confirm:$false)')
    .option('--confirm', 'ask before removing (the default; -Confirm)')
    .option('--what-if', 'count what would be removed, remove nothing (-WhatIf)')
    .addOption(outputOption('table (messages only), json or ndjson (the result, one line)', RESULT_FORMATS))
    .action(run(() => import('./commands/prune-changelog.js')));

  program
    .command('prune-lastlogons')
    .description('delete the recorded logins (times and client addresses: personal data) older than the retention, "lastLogons": {"retentionDays"} (default 365)')
    .option('--older-than <days>', 'delete those older than this many days instead')
    .option('--what-if', 'count what would be deleted, delete nothing (-WhatIf)')
    .addOption(outputOption('table (messages only), json or ndjson (the result, one line)', RESULT_FORMATS))
    .action(run(() => import('./commands/prune-lastlogons.js')));

  program
    .command('get-config')
    .description('show the settings casctl uses and where each comes from (flag, environment, which file, or default), and the configuration files it looked at; passwords never shown')
    .addOption(outputOption('table or json', CONFIG_FORMATS))
    .action(run(() => import('./commands/get-config.js')));

  connectivityOptions(program.command('test-imapconnectivity'), '143, or 993 with --tls')
    .description('log in to the IMAP4 server as a mailbox and report Success or Failure (Test-ImapConnectivity)')
    .action(run(() => import('./commands/test-imapconnectivity.js')));

  connectivityOptions(program.command('test-popconnectivity'), '110, or 995 with --tls')
    .description('log in to the POP3 server as a mailbox and report Success or Failure (Test-PopConnectivity)')
    .action(run(() => import('./commands/test-popconnectivity.js')));

  program
    .command('completion')
    .description('print a script that completes casctl in bash, zsh or fish: source <(casctl completion bash)')
    .addArgument(valueArgument('<shell>', SHELLS.join(', '), words(SHELLS)))
    .action(run(() => import('./commands/completion.js')));

  // The scripts' helper: the store's OU names, one per line, within a deadline; not for people, so not in help.
  program.command(COMPLETE_OU_COMMAND, { hidden: true }).action(run(() => import('./commands/complete-ou.js')));

  addExamples(program);

  refuseConflictingRepeats([program, ...program.commands]);
  // The hint after an error names the command it was typed for, so it can be pasted as is.
  for (const command of program.commands) command.showHelpAfterError(`(run 'casctl ${command.name()} --help' for usage)`);

  const commands = program.commands.map((c) => c.name());
  const options = new Set<string>();
  for (const command of [program, ...program.commands]) {
    for (const option of command.options) if (option.long !== undefined) options.add(option.long.replace(/^--/, ''));
  }
  return { program, vocabulary: { commands, options: [...options] }, exitCode: () => exitCode, endsProcess: () => endsProcess };
}
