/**
 * Running the examples of --help and the man page as typed, in a directory set up as the
 * README's quick start leaves one: ./casctl.db holding the sample directory (with change 1
 * recorded and a few logins beside it), the files the examples name, and a casctl.config.json
 * whose services only write down what they were asked to do.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES, type Example } from '../../src/cli/help-examples.js';
import { SERVICES } from '../../src/services/services.js';
import { casctl, FIXTURES, sampleStore, tempDir, type CliResult } from './cli.js';
import { recordLogons } from './last-logons.js';
import { recordingServices } from './recording-services.js';
import { splitPipeline } from './shell-words.js';

/** Every example, with the command whose help shows it (`casctl`: the program's). */
export const EXAMPLES: readonly (readonly [name: string, example: Example])[] = [
  ...PROGRAM_EXAMPLES.map((e) => ['casctl', e] as const),
  ...Object.entries(COMMAND_EXAMPLES).flatMap(([name, list]) => list.map((e) => [name, e] as const)),
];

const DAY = 86_400_000;

/** users.csv: a new mailbox and a change to one of the sample's. */
const USERS_CSV = 'PrimarySmtpAddress,Name,OrganizationalUnit,Department\nnew.hire@tailspintoys.com,New Hire,tailspintoys.com/North America/Finance,Finance\nrand.zaher@tailspintoys.com,Rand Zaher,tailspintoys.com/North America/Engineering,Research\n';

const FILES = ['casctl.config.json', 'Accounts.txt', 'policy.yml', 'users.csv'];
const STORE = ['casctl.db', 'casctl.last-logons.db'];

let template: Promise<string> | undefined;

/** The directory every example starts from, made once per test file. */
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

/** A fresh copy of the template directory; without its store when the example runs `init`, which makes one. */
export async function exampleDirectory(line: string): Promise<string> {
  const makesStore = splitPipeline(line).commands.some(([, command]) => command?.toLowerCase() === 'init');
  const source = await templateDirectory();
  const dir = tempDir();
  for (const file of [...FILES, ...(makesStore ? [] : STORE)]) copyFileSync(join(source, file), join(dir, file));
  return dir;
}

/**
 * Runs a command line as a shell would, each casctl's stdout the next one's stdin and the last
 * one's into the file of `> file` (relative to the directory, which is also the home directory
 * `~/` names; the directories it names are taken to exist, as on an admin's machine).
 */
export async function runLine(line: string, cwd: string): Promise<CliResult[]> {
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

/** Each command of the line exited 0, the last one `code`; a pipe or a redirection got something. */
export function checkRun(line: string, results: readonly CliResult[], code = 0): void {
  results.forEach((result, n) => {
    assert.equal(result.code, n === results.length - 1 ? code : 0, `${line}\n  command ${n + 1} exited ${result.code}:\n${result.stderr}`);
    assert.doesNotMatch(result.stderr, /internal error/);
  });
  if (results.length > 1) assert.notEqual(results[0]?.stdout, '', `${line}: the first command printed nothing`);
  const { output } = splitPipeline(line);
  if (output !== null) assert.notEqual(results.at(-1)?.stdout, '', `${line}: nothing went into ${output}`);
}
