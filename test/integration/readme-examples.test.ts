import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { normaliseArgv } from '../../src/cli/normalise-argv.js';
import { buildProgram } from '../../src/cli/program.js';
import { capture } from '../helpers/capture.js';
import { FIXTURES, ROOT, casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { NO_TERMINAL } from '../helpers/fake-terminal.js';
import { README, parseShellLine, readmeLines, sectionLines, type ReadmeLine, type ShellCommand } from '../helpers/readme-commands.js';

/** The repository's documents: every Markdown file but those of dependencies and builds. */
function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'dist', '.git'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** What the real program makes of a command line: the command it would run, or commander's error. */
async function parseLikeCasctl(args: readonly string[]): Promise<{ command: string } | { error: string; code: string }> {
  const stderr = capture();
  const cli = buildProgram({
    stdin: new PassThrough(), stdout: capture(), stderr, env: {}, cwd: process.cwd(), now: () => new Date(),
    argv: args, actor: { osUser: 'casadmin', sudoUser: null, host: 'admin1' }, terminal: NO_TERMINAL,
  });
  let ran = '';
  // Parse only: the actions would open a store and change it.
  for (const command of cli.program.commands) command.action(() => void (ran = command.name()));
  try {
    await cli.program.parseAsync(normaliseArgv(args, cli.vocabulary), { from: 'user' });
    return { command: ran };
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (code === 'commander.version' || code === 'commander.helpDisplayed') return { command: '' };
    return { error: stderr.text().trim() || String(error), code };
  }
}

const casctlCommands = (line: ReadmeLine): ShellCommand[] => line.pipelines.flat().filter((c) => c.words[0] === 'casctl');

/** Why the program refuses a README command, or undefined; inline prose may name a command without its argument. */
async function refusal(line: ReadmeLine, command: ShellCommand): Promise<string | undefined> {
  const parsed = await parseLikeCasctl(command.words.slice(1));
  if ('command' in parsed) return parsed.command === '' && command.words.length > 1 ? 'runs no command' : undefined;
  if (line.inline && parsed.code === 'commander.missingArgument') return undefined;
  return `${parsed.code}: ${parsed.error}`;
}

describe("README.md's casctl commands against the real program", () => {
  test('the extractor splits lines as a shell does: quotes, escapes, pipes, &&, redirections, comments, YAML prefixes, sudo, placeholders', () => {
    const sample = [
      '# Title',
      '## Setup',
      'Inline: `casctl undo <id>` and `casctl get-mailbox \'rand*\'`, not `npm test`.',
      '```sh',
      'npm install && casctl init --sample && casctl get-casmailbox   # a comment',
      "casctl get-mailbox --filter \"Department -eq 'IT' -and PopEnabled -eq \\$true\" -o id \\",
      '  | sudo casctl set-casmailbox - -PopEnabled:\\$false --yes',
      'CASCTL_TEST_PASSWORD=... casctl test-imapconnectivity a@b.c --tls',
      '```',
      '### CI',
      '```yaml',
      '  run: casctl audit policy.yml -o junit > casctl-audit.xml',
      '    - casctl set-transportconfig -SmtpClientAuthenticationDisabled \'$true\' [--what-if]',
      '```',
    ].join('\n');
    const lines = readmeLines(sample);
    const words = (l: ReadmeLine): string[][] => l.pipelines.flatMap((p) => p.map((c) => c.words));
    assert.deepEqual(
      lines.map((l) => [l.line, l.section, l.inline, words(l)]),
      [
        [3, 'Setup', true, [['casctl', 'undo', '<id>']]],
        [3, 'Setup', true, [['casctl', 'get-mailbox', 'rand*']]],
        [5, 'Setup', false, [['npm', 'install'], ['casctl', 'init', '--sample'], ['casctl', 'get-casmailbox']]],
        [6, 'Setup', false, [['casctl', 'get-mailbox', '--filter', "Department -eq 'IT' -and PopEnabled -eq $true", '-o', 'id'], ['casctl', 'set-casmailbox', '-', '-PopEnabled:$false', '--yes']]],
        [8, 'Setup', false, [['casctl', 'test-imapconnectivity', 'a@b.c', '--tls']]],
        [12, 'Setup / CI', false, [['casctl', 'audit', 'policy.yml', '-o', 'junit']]],
        [13, 'Setup / CI', false, [['casctl', 'set-transportconfig', '-SmtpClientAuthenticationDisabled', '$true', '[--what-if]']]],
      ],
    );
    assert.equal(lines[0]?.pipelines[0]?.[0]?.placeholder, true);
    assert.equal(lines[1]?.pipelines[0]?.[0]?.placeholder, false);
    assert.equal(lines[3]?.pipelines.length, 1, 'a pipe joins two commands into one pipeline');
    assert.deepEqual(lines[4]?.pipelines[0]?.[0]?.env, { CASCTL_TEST_PASSWORD: '...' });
    assert.equal(lines[5]?.pipelines[0]?.[0]?.stdout, 'casctl-audit.xml');
    assert.equal(lines[6]?.pipelines[0]?.[0]?.placeholder, true);
  });

  test('every command exists and takes every option it is given (Exchange spellings through normaliseArgv); placeholders aside', async (t) => {
    const lines = readmeLines();
    const literal = lines.flatMap((line) => casctlCommands(line).filter((c) => !c.placeholder).map((command) => ({ line, command })));
    const placeholders = lines.flatMap((line) => casctlCommands(line).filter((c) => c.placeholder).map(() => line));
    t.diagnostic(`${literal.length} commands checked (${literal.filter((l) => !l.line.inline).length} in code blocks), ${placeholders.length} with placeholders skipped: ${placeholders.map((l) => `${l.line}`).join(', ')}`);
    const inBlocks = literal.filter((l) => !l.line.inline).length;
    assert.ok(inBlocks >= 30, `only ${inBlocks} commands found in README.md's code blocks`);
    const failures: string[] = [];
    for (const { line, command } of literal) {
      const why = await refusal(line, command);
      if (why !== undefined) failures.push(`README.md:${line.line}: ${line.text}\n  ${why}`);
    }
    assert.deepEqual(failures, []);
  });

  test('the check would catch a renamed option, an unknown command, a missing argument and a value left out', async () => {
    const [line] = sectionLines('Quick start').filter((l) => l.text.startsWith('casctl set-casmailbox'));
    assert.ok(line !== undefined);
    const [command] = casctlCommands(line);
    assert.ok(command !== undefined);
    assert.equal(await refusal(line, command), undefined);
    const mutated = (words: string[]): ShellCommand => ({ ...command, words });
    const renamed = command.words.map((w) => (w === '--pop-enabled' ? '--pop-enable' : w));
    assert.match((await refusal(line, mutated(renamed))) ?? '', /^commander\.unknownOption: .*--pop-enable\b/);
    assert.match((await refusal(line, mutated(['casctl', 'set-casmailboxes', 'x']))) ?? '', /^commander\.unknownCommand/);
    assert.match((await refusal(line, mutated(['casctl', 'import']))) ?? '', /^commander\.missingArgument/);
    assert.match((await refusal(line, mutated(['casctl', 'get-casmailbox', '--filter']))) ?? '', /^commander\.optionMissingArgument/);
    assert.match((await refusal(line, mutated(['casctl', 'Get-CASMailbox', '-ResultSiz', '5']))) ?? '', /^commander\.unknownOption/);
  });

  test('no document says a bare npx casctl (it would fetch whatever package has that name); the tarball README.md names is this version', () => {
    const documents = markdownFiles(ROOT);
    assert.ok(documents.includes(README) && documents.length >= 3, documents.join(', '));
    for (const document of documents) assert.doesNotMatch(readFileSync(document, 'utf8'), /npx (?!--no-install )[^`\n]*casctl/, document);
    const text = readFileSync(README, 'utf8');
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const tarballs = [...text.matchAll(/casctl-(\d+\.\d+\.\d+[^\s`]*)\.tgz/g)].map((m) => m[1]);
    assert.ok(tarballs.length > 0);
    assert.deepEqual([...new Set(tarballs)], [version]);
  });
});

/** Runs a README line's casctl pipelines as the shell would (stdin from the previous command, `>` into cwd); other programs are left out. */
async function runLine(line: ReadmeLine, cwd: string): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const pipeline of line.pipelines) {
    if (!pipeline.every((c) => c.words[0] === 'casctl')) continue;
    let input: string | undefined;
    for (const command of pipeline) {
      // HOME is the temp dir too: no config file of the machine's user takes part.
      const result = await casctl(command.words.slice(1), { cwd, env: { HOME: cwd, ...command.env }, ...(input === undefined ? {} : { input }) });
      if (command.stdout !== undefined) writeFileSync(join(cwd, command.stdout), result.stdout);
      results.push(result);
      input = result.stdout;
    }
  }
  return results;
}

async function runSection(section: string, cwd: string): Promise<Array<{ line: ReadmeLine; results: CliResult[] }>> {
  const ran: Array<{ line: ReadmeLine; results: CliResult[] }> = [];
  for (const line of sectionLines(section)) ran.push({ line, results: await runLine(line, cwd) });
  return ran;
}

const codes = (ran: Array<{ results: CliResult[] }>): number[] => ran.flatMap((r) => r.results.map((x) => x.code));
const explain = (ran: Array<{ line: ReadmeLine; results: CliResult[] }>): string =>
  ran.map((r) => `${r.line.line}: ${r.line.text}\n${r.results.map((x) => `  exit ${x.code} ${x.stderr.trim()}`).join('\n')}`).join('\n');

describe("README.md's examples on the embedded store, run as written in an empty directory", () => {
  test('Quick start: init --sample makes ./casctl.db with 232 mailboxes, get-casmailbox lists them, Rand Zaher loses POP3 and IMAP4', async () => {
    const cwd = tempDir();
    const ran = await runSection('Quick start', cwd);
    assert.deepEqual(codes(ran), [0, 0, 0, 0], explain(ran));
    const [init, list] = ran[0]?.results ?? [];
    assert.match(init?.stderr ?? '', /232 mailboxes created/);
    assert.match(init?.stderr ?? '', new RegExp(`sqlite:${join(cwd, 'casctl.db')}`));
    const rows = (list?.stdout ?? '').trimEnd().split('\n');
    assert.match(rows[0] ?? '', /^Name\s+PrimarySmtpAddress\s+OWAEnabled\s+PopEnabled\s+ImapEnabled/);
    assert.equal(rows.length, 2 + 232);
    const rand = json(ran[2]?.results[0] as CliResult);
    assert.deepEqual(rand.map((m) => [m.PrimarySmtpAddress, m.PopEnabled, m.ImapEnabled]), [['rand.zaher@tailspintoys.com', false, false]]);
  });

  test("Selecting mailboxes in bulk: the Exchange article's four procedures, with its Accounts.txt", async () => {
    const cwd = tempDir();
    assert.equal((await casctl(['init', '--sample'], { cwd })).code, 0);
    copyFileSync(join(FIXTURES, 'Accounts.txt'), join(cwd, 'Accounts.txt'));
    const ran = await runSection('Selecting mailboxes in bulk', cwd);
    assert.deepEqual(codes(ran), [0, 0, 0, 0, 0, 0], explain(ran));
    const listed = (ran.at(-1)?.results[0]?.stdout ?? '').split('\n');
    const off = async (filter: string): Promise<string[]> =>
      json(await casctl(['get-casmailbox', '--filter', filter, '-o', 'json'], { cwd })).map((m) => String(m.PrimarySmtpAddress));
    const expected = [
      ...(await off("OrganizationalUnit -like '*North America/Finance' -and RecipientTypeDetails -eq 'UserMailbox'")),
      ...(await off("Department -like 'Engineering*' -and StateOrProvince -eq 'WA'")),
      ...readFileSync(join(cwd, 'Accounts.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')),
    ];
    assert.ok(expected.length > 20);
    for (const address of expected) {
      assert.ok(listed.some((row) => row.toLowerCase().includes(address.toLowerCase())), `${address} is not listed with both protocols off`);
    }
    const stillOn = json(await casctl(['get-casmailbox', '--filter', "Department -like 'Engineering*' -and StateOrProvince -eq 'WA' -and PopEnabled -eq $true", '-o', 'json'], { cwd }));
    assert.deepEqual(stillOn, []);
  });

  test('Defaults for new mailboxes: plans are set, listed and cleared as shown', async () => {
    const cwd = tempDir();
    assert.equal((await casctl(['init', '--sample'], { cwd })).code, 0);
    const ran = await runSection('Defaults for new mailboxes', cwd);
    assert.deepEqual(codes(ran), ran.map(() => 0), explain(ran));
    const list = ran.find((r) => r.line.text.includes('-o list'))?.results[0]?.stdout ?? '';
    assert.match(list, /EffectivePopEnabled\s*:\s*False/);
    assert.match(list, /ImapEnabled\s*:\s*False/);
  });

  test('Audits: --expect-none fails on the sample (exit 5), the CI line writes a JUnit report and fails on its violations', async () => {
    const cwd = tempDir();
    assert.equal((await casctl(['init', '--sample'], { cwd })).code, 0);
    copyFileSync(join(FIXTURES, 'policies', 'sample-policy.yml'), join(cwd, 'policy.yml'));
    const ran = await runSection('Audits', cwd);
    assert.deepEqual(codes(ran), ran.map(() => 5), explain(ran));
    assert.match(ran[0]?.results[0]?.stderr ?? '', /\d+ match; --expect-none expected none/);
    const junit = readFileSync(join(cwd, 'casctl-audit.xml'), 'utf8');
    assert.match(junit, /^<\?xml[^]*<testsuite[^]*<failure/);
  });

  test("the prose's complete examples: the Exchange spelling up front, a wildcard, a did-you-mean as quoted, -ResultSize unlimited", async () => {
    const cwd = tempDir();
    assert.equal((await casctl(['init', '--sample'], { cwd })).code, 0);
    const lines = readmeLines().filter((l) => l.inline && ['', 'Commands / Identities', 'Selecting mailboxes in bulk'].includes(l.section) && !casctlCommands(l).some((c) => c.placeholder));
    const ran = [];
    for (const line of lines) ran.push({ line, results: await runLine(line, cwd) });
    assert.deepEqual(ran.map((r) => r.line.text.split(' ')[1]), ['Set-CASMailbox', 'get-mailbox', 'get-casmailbox', 'Get-CASMailbox']);
    // The one identity that names nothing exits 1, as the README says.
    assert.deepEqual(codes(ran), [0, 0, 1, 0], explain(ran));
    const [exchange, wildcard, guess, unlimited] = ran.map((r) => r.results[0] as CliResult);
    assert.match(exchange?.stderr ?? '', /1 mailbox/i);
    assert.deepEqual(json(await casctl(['get-casmailbox', 'Rand Zaher', '-o', 'json'], { cwd })).map((m) => [m.PopEnabled, m.ImapEnabled]), [[false, false]]);
    for (const alias of ['rand.k', 'randall', 'randi.s', 'randolph']) assert.match(wildcard?.stdout ?? '', new RegExp(`\\b${alias}\\b`));
    const quoted = /`casctl get-casmailbox 'alvarez jose'` → `([^`]+)`/.exec(readFileSync(README, 'utf8'))?.[1];
    assert.ok(quoted !== undefined, "README.md no longer quotes the guess for 'alvarez jose'");
    assert.ok((guess?.stderr ?? '').replace(/\s+/g, ' ').includes(quoted.replace(/\s+/g, ' ')), `stderr: ${guess?.stderr ?? ''}`);
    assert.match(unlimited?.stdout ?? '', /Rand Zaher/);
  });

  test('a pipeline of the README runs with the first stdout as the second stdin', async () => {
    const cwd = tempDir();
    assert.equal((await casctl(['init', '--sample'], { cwd })).code, 0);
    const [pipeline] = parseShellLine("casctl get-mailbox 'Rand Zaher' -o id | casctl set-casmailbox - --pop-enabled false --yes");
    const results = await runLine({ line: 0, section: '', text: '', inline: false, pipelines: [pipeline ?? []] }, cwd);
    assert.deepEqual(results.map((r) => r.code), [0, 0]);
    assert.match(results[0]?.stdout ?? '', /^[0-9a-f-]{36}\n$/);
    assert.deepEqual(json(await casctl(['get-casmailbox', 'Rand Zaher', '-o', 'json'], { cwd })).map((m) => m.PopEnabled), [false]);
  });
});
