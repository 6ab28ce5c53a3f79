/**
 * man/casctl.1, rendered from what --help is rendered from: the program's commands, arguments and
 * options (src/cli/program.ts, through commander's own Help, so defaults read alike), the examples
 * (src/cli/help-examples.ts), the configuration lookup (src/cli/config.ts) and the exit codes
 * (src/core/errors.ts). Nothing here lists a command or an option by hand.
 */
import { PassThrough } from 'node:stream';
import type { Command, Help, Option } from 'commander';
import { CONFIG_LOCATIONS } from '../src/cli/config-locations.js';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES, type Example } from '../src/cli/help-examples.js';
import { buildProgram } from '../src/cli/program.js';
import { EXIT_CODE_MEANINGS } from '../src/core/errors.js';
import { PROTOCOLS, protocolList } from '../src/core/protocols.js';
import { bold, italic, macro, roffText, term } from './roff.js';

export const MAN_PAGE_PATH = 'man/casctl.1';

/** The variables casctl reads, and what for (a test holds this to what src/ reads). */
export const ENVIRONMENT: readonly (readonly [name: string, meaning: string])[] = [
  ['CASCTL_STORE', 'the directory store when --store is not given; before the configuration file\'s "store"'],
  ['CASCTL_READ_STORE', 'where the commands that only read go first: a replica of the store (the configuration\'s "readStore")'],
  ['CASCTL_CONFIG', 'the configuration file when --config is not given; then no other file is looked for'],
  ['XDG_CONFIG_HOME', 'where the user\'s configuration file is looked for ($XDG_CONFIG_HOME/casctl/config.json); unset, empty or relative: $HOME/.config'],
  ['HOME', 'the home directory that default is under'],
  ['CASCTL_LAST_LOGONS', 'where Dovecot records logins (a logins database URL); before the configuration\'s "lastLogons" url'],
  ['CASCTL_LDAP_BIND_DN', 'the DN casctl binds to an LDAP store as'],
  ['CASCTL_LDAP_PASSWORD', 'the password of that DN; wins over CASCTL_LDAP_PASSWORD_FILE'],
  ['CASCTL_LDAP_PASSWORD_FILE', 'a file whose first line is the LDAP bind password'],
  ['CASCTL_SQL_PASSWORD', 'the password of a PostgreSQL or MySQL store\'s user; wins over CASCTL_SQL_PASSWORD_FILE'],
  ['CASCTL_SQL_PASSWORD_FILE', 'a file whose first line is that password'],
  ['CASCTL_DOVECOT_SQL_USER', 'the account Dovecot reads a PostgreSQL or MySQL store with, in get-dovecotconfig\'s files (default: the store URL\'s user)'],
  ['CASCTL_DOVECOT_SQL_PASSWORD', 'its password, written into the files get-dovecotconfig --write makes, never printed; wins over CASCTL_DOVECOT_SQL_PASSWORD_FILE'],
  ['CASCTL_DOVECOT_SQL_PASSWORD_FILE', 'a file whose first line is that password'],
  ['CASCTL_TEST_PASSWORD', 'the password test-imapconnectivity and test-popconnectivity log in with, when --password-file is not given'],
  ['CASCTL_COMPLETION_DEADLINE_MS', 'how long the completion scripts wait for the store\'s OU names, in milliseconds (default 200)'],
  ['NO_COLOR', 'set and not empty: no colours, even on a terminal'],
  ['TERM', 'dumb: no colours either'],
  ['COLUMNS', 'the width a table is fitted to on a terminal'],
  ['TZ', 'the zone --local-time shows times in'],
  ['USER, LOGNAME, SUDO_USER', 'who ran a change, as its record says'],
];

/** The program as casctl builds it; its actions never run here. */
function program(): Command {
  const quiet = new PassThrough();
  return buildProgram({
    stdin: quiet,
    stdout: quiet,
    stderr: quiet,
    env: {},
    cwd: '/',
    now: () => new Date(0),
    argv: [],
    actor: { osUser: 'casctl', sudoUser: null, host: 'localhost' },
    terminal: { available: () => false, open: () => null },
  }).program;
}

const isHelp = (option: Option): boolean => option.long === '--help';

function options(help: Help, list: readonly Option[]): string[] {
  return list.flatMap((option) => ['.TP', term(help.optionTerm(option)), roffText(help.optionDescription(option))]);
}

function examples(list: readonly Example[]): string[] {
  return list.flatMap((example) => ['.PP', `${roffText(example.text)}:`, '.RS 4', '.nf', bold(example.line), '.fi', '.RE']);
}

function command(help: Help, cmd: Command): string[] {
  const lines = [macro('SS', `${cmd.name()} ${cmd.usage()}`), roffText(help.commandDescription(cmd))];
  const args = help.visibleArguments(cmd);
  if (args.length > 0) {
    lines.push('.PP', bold('Arguments:'));
    for (const arg of args) lines.push('.TP', italic(help.argumentTerm(arg)), roffText(help.argumentDescription(arg)));
  }
  const own = help.visibleOptions(cmd).filter((o) => !isHelp(o));
  if (own.length > 0) lines.push('.PP', bold('Options:'), ...options(help, own));
  const list = COMMAND_EXAMPLES[cmd.name()] ?? [];
  if (list.length > 0) lines.push('.PP', bold('Examples:'), ...examples(list));
  return lines;
}

/** The whole page, deterministic: the same program gives the same bytes. */
export function manPage(): string {
  const root = program();
  const help = root.createHelp();
  const version = root.version() ?? '';
  const lines = [
    '.\\" Generated by scripts/build-man.ts from src/cli/program.ts and src/cli/help-examples.ts; edit those, then: npm run build',
    `.TH CASCTL 1 "" "casctl ${roffText(version)}" "casctl manual"`,
    // Options, paths and filters must read as typed: no hyphenation, no stretched spaces.
    '.nh',
    '.ad l',
    '.SH NAME',
    `casctl \\- ${roffText(root.description())}`,
    '.SH SYNOPSIS',
    `${bold('casctl')} [${italic('global options')}] ${italic('command')} [${italic('options')}] [${italic('arguments')}]`,
    '.br',
    `${bold('casctl')} ${italic('command')} ${bold('--help')}`,
    '.SH DESCRIPTION',
    roffText(
      `casctl turns ${protocolList('and', PROTOCOLS)} on and off per mailbox, the way Exchange admins do it with Set-CASMailbox: by identity, by organizational unit, by an OPATH filter, or from a file of addresses. ` +
        'The mailboxes live in a directory store that Dovecot reads at login (a SQLite file by default; OpenLDAP, PostgreSQL or MariaDB/MySQL), so a protocol turned off is refused to a real client.',
    ),
    '.PP',
    roffText("Command names and options also take Exchange's spellings, in any case: Set-CASMailbox -Identity \"Rand Zaher\" -PopEnabled:'$false' (quote $false and $true in a Unix shell, or it expands them to nothing)."),
    roffText('Data goes to standard output; messages, questions and progress to standard error.'),
    '.SH COMMANDS',
    ...help.visibleCommands(root).filter((cmd) => cmd.name() !== 'help').flatMap((cmd) => command(help, cmd)),
    '.SH "GLOBAL OPTIONS"',
    roffText('Every command takes these, before or after its name.'),
    ...options(help, help.visibleOptions(root)),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.flatMap(([name, meaning]) => ['.TP', bold(name), roffText(meaning)]),
    '.SH FILES',
    roffText('Without --config or CASCTL_CONFIG, the first of these that exists is the configuration file (JSON; read only when it belongs to you or root and no one else may write it):'),
    ...CONFIG_LOCATIONS.filter((location) => !location.named).flatMap((location) => ['.TP', bold(location.name), roffText(location.description)]),
    '.TP',
    bold('./casctl.db'),
    roffText('the store when --store, CASCTL_STORE and the configuration name none'),
    '.TP',
    bold('<store>.last-logons.db'),
    roffText('beside a SQLite store: the logins Dovecot records (get-dovecotconfig --last-logons)'),
    '.SH "EXIT STATUS"',
    ...Object.entries(EXIT_CODE_MEANINGS).flatMap(([code, meaning]) => ['.TP', bold(code), roffText(meaning)]),
    '.SH EXAMPLES',
    ...examples(PROGRAM_EXAMPLES),
    '.SH "SEE ALSO"',
    `${bold('doveadm')}(1), ${bold('dovecot')}(1), ${bold('slapd')}(8)`,
    '.PP',
    roffText('README.md of the casctl package: the store, audits, Dovecot, LDAP, PostgreSQL and MariaDB set-ups in full.'),
  ];
  return `${lines.join('\n')}\n`;
}
