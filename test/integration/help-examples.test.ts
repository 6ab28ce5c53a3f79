/**
 * Every example of --help and the man page, run as typed in a directory set up as the README's
 * quick start leaves one: ./casctl.db holding the sample directory (with change 1 recorded and a
 * few logins beside it), the files the examples name, and a casctl.config.json whose services
 * only write down what they were asked to do. Each example gets a fresh copy of that directory.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES } from '../../src/cli/help-examples.js';
import { SERVICES } from '../../src/services/services.js';
import { BIN, casctl, FIXTURES, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { recordLogons } from '../helpers/last-logons.js';
import { recordingServices } from '../helpers/recording-services.js';
import { splitPipeline } from '../helpers/shell-words.js';

/** Examples that need what this directory cannot give them; test/e2e covers those commands against real servers. */
const NOT_RUN = new Map([
  ['casctl init --store /var/lib/casctl/directory.db', 'writes outside the test directory'],
  ['casctl init --profile iredmail', 'needs an iRedMail directory on LDAP, PostgreSQL or MySQL'],
  ['casctl get-dovecotconfig --write /etc/dovecot/casctl --last-logons', "writes into this machine's /etc/dovecot"],
  ...[...COMMAND_EXAMPLES['get-mailboxstatistics'] ?? []].map((e) => [e.line, 'reads mailboxes with doveadm: needs a Dovecot'] as const),
  ...[...(COMMAND_EXAMPLES['test-imapconnectivity'] ?? []), ...(COMMAND_EXAMPLES['test-popconnectivity'] ?? [])].map((e) => [e.line, 'logs in to mail.example.com'] as const),
]);

/** The sample directory breaks the sample policy: the audit examples exit 5, as the audit they show should. */
const VIOLATIONS = 5;
const EXIT = new Map([
  ['casctl audit policy.yml', VIOLATIONS],
  ['casctl audit policy.yml -o junit > report.xml', VIOLATIONS],
  ['casctl audit policy.yml --fix --what-if', VIOLATIONS],
]);

const DAY = 86_400_000;

/** users.csv: a new mailbox and a change to one of the sample's. */
const USERS_CSV = 'PrimarySmtpAddress,Name,OrganizationalUnit,Department\nnew.hire@tailspintoys.com,New Hire,tailspintoys.com/North America/Finance,Finance\nrand.zaher@tailspintoys.com,Rand Zaher,tailspintoys.com/North America/Engineering,Research\n';

let template: Promise<string> | undefined;

/** The directory every example starts from, made once. */
function templateDirectory(): Promise<string> {
  template ??= (async () => {
    const dir = tempDir();
    copyFileSync(await sampleStore(), join(dir, 'casctl.db'));
    writeFileSync(join(dir, 'casctl.config.json'), readFileSync(recordingServices(SERVICES.map((s) => s.Name)).config));
    const change = await casctl(['set-casmailbox', 'Rand Zaher', '--owa-enabled', 'false'], { cwd: dir });
    assert.equal(change.code, 0, change.stderr);
    const now = Date.now();
    recordLogons(join(dir, 'casctl.last-logons.db'), [
      { user: 'rand.zaher@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.7', time: new Date(now - DAY) },
      { user: 'glaureano@tailspintoys.com', service: 'imap', clientAddress: '192.0.2.8', time: new Date(now - 120 * DAY) },
      { user: 'hrim@tailspintoys.com', service: 'pop3', clientAddress: '192.0.2.9', time: new Date(now - 400 * DAY) },
    ]);
    copyFileSync(join(FIXTURES, 'Accounts.txt'), join(dir, 'Accounts.txt'));
    copyFileSync(join(FIXTURES, 'policies', 'sample-policy.yml'), join(dir, 'policy.yml'));
    writeFileSync(join(dir, 'users.csv'), USERS_CSV);
    if (existsSync(join(dir, 'casctl.db-wal'))) throw new Error('the template store was not checkpointed');
    return dir;
  })();
  return template;
}

/** A fresh copy of the template; without its store for `init`, which makes one. */
async function exampleDirectory(withStore: boolean): Promise<string> {
  const source = await templateDirectory();
  const dir = tempDir();
  const files = ['casctl.config.json', 'Accounts.txt', 'policy.yml', 'users.csv', ...(withStore ? ['casctl.db', 'casctl.last-logons.db'] : [])];
  for (const file of files) copyFileSync(join(source, file), join(dir, file));
  return dir;
}

/**
 * Runs a command line as a shell would, each casctl's stdout the next one's stdin and the last
 * one's into the file of `> file` (relative to the directory, which is also the home directory
 * `~/` names; the directories it names are taken to exist, as on an admin's machine).
 */
async function runLine(line: string, cwd: string): Promise<CliResult[]> {
  const { commands, output } = splitPipeline(line);
  const results: CliResult[] = [];
  let input = '';
  for (const [, ...args] of commands) {
    const result = await casctl(args, { cwd, input, env: { HOME: cwd } });
    results.push(result);
    input = result.stdout;
  }
  if (output !== null) {
    const path = resolve(cwd, output.replace(/^~\//, './'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, input);
  }
  return results;
}

const examples = [...PROGRAM_EXAMPLES.map((e) => ['casctl', e] as const), ...Object.entries(COMMAND_EXAMPLES).flatMap(([name, list]) => list.map((e) => [name, e] as const))];

test('every example that is left out names one that exists', () => {
  const lines = new Set(examples.map(([, e]) => e.line));
  for (const line of [...NOT_RUN.keys(), ...EXIT.keys()]) assert.ok(lines.has(line), `no example is: ${line}`);
});

// The examples of NOT_RUN cannot run here by what they are: the parse test still checks them (test/unit/cli/help-examples.test.ts).
for (const [name, example] of examples.filter(([, e]) => !NOT_RUN.has(e.line))) {
  test(`example of ${name}: ${example.line}`, async () => {
    const makesStore = splitPipeline(example.line).commands.some(([, command]) => command?.toLowerCase() === 'init');
    const cwd = await exampleDirectory(!makesStore);
    const results = await runLine(example.line, cwd);
    const want = EXIT.get(example.line) ?? 0;
    results.forEach((result, n) => {
      assert.equal(result.code, n === results.length - 1 ? want : 0, `${example.line}\n  command ${n + 1} exited ${result.code}:\n${result.stderr}`);
      assert.doesNotMatch(result.stderr, /internal error/);
    });
    // A pipeline's later casctl was given something to work on, and a redirection got the output.
    if (results.length > 1) assert.notEqual(results[0]?.stdout, '', `${example.line}: the first command printed nothing`);
    const { output } = splitPipeline(example.line);
    if (output !== null) assert.notEqual(results.at(-1)?.stdout, '', `${example.line}: nothing went into ${output}`);
  });
}

test('the installed binary ends --help with the examples', async () => {
  assert.ok(existsSync(BIN));
  for (const [args, first] of [[['--help'], PROGRAM_EXAMPLES[0]], [['Set-CASMailbox', '--help'], COMMAND_EXAMPLES['set-casmailbox']?.[0]]] as const) {
    const help = await casctl(args);
    assert.equal(help.code, 0, help.stderr);
    assert.ok(first !== undefined && help.stdout.includes(`\nExamples:\n  # ${first.text}\n  ${first.line}\n`), help.stdout);
  }
});
