import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommanderError, type Command } from 'commander';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES, type Example } from '../../../src/cli/help-examples.js';
import { normaliseArgv } from '../../../src/cli/normalise-argv.js';
import type { Cli } from '../../../src/cli/program.js';
import { settingOption, settingValue } from '../../../src/cli/setting-options.js';
import { isNullable, PROTOCOLS } from '../../../src/core/protocols.js';
import { capturedProgram } from '../../helpers/program.js';
import { splitPipeline } from '../../helpers/shell-words.js';

/** The program, its output captured; `ran` is the command whose action commander reached. */
function program(): { cli: Cli; stdout: ReturnType<typeof capturedProgram>['stdout']; ran: () => Command | null } {
  const { cli, stdout } = capturedProgram();
  let ran: Command | null = null;
  // Parsed, never run: the actions are replaced by one that notes which command it was.
  for (const command of cli.program.commands) command.action((...parameters: unknown[]) => void (ran = parameters.at(-1) as Command));
  return { cli, stdout, ran: () => ran };
}

const ALL: readonly (readonly [string, Example])[] = [
  ...PROGRAM_EXAMPLES.map((e) => ['casctl', e] as const),
  ...Object.entries(COMMAND_EXAMPLES).flatMap(([name, examples]) => examples.map((e) => [name, e] as const)),
];

const nullableOptions = new Set(PROTOCOLS.filter(isNullable).map((p) => settingOption(p.property)));

/** Parses one command of an example as main.ts would; throws what commander (or casctl's repeat check) refuses. */
async function parse(words: readonly string[]): Promise<Command | 'help'> {
  const { cli, ran } = program();
  try {
    await cli.program.parseAsync(normaliseArgv(words, cli.vocabulary), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.code === 'commander.helpDisplayed') return 'help';
    throw error;
  }
  const command = ran();
  assert.ok(command !== null, `no command ran for: ${words.join(' ')}`);
  return command;
}

test('every command has two or three examples, and every example names a command of the program', () => {
  const { cli } = program();
  // Hidden commands (the completion scripts' helper) are not for people: no help, no examples.
  const names = cli.program.createHelp().visibleCommands(cli.program).map((c) => c.name()).filter((name) => name !== 'help');
  for (const name of names) {
    const count = COMMAND_EXAMPLES[name]?.length ?? 0;
    assert.ok(count >= 2 && count <= 3, `${name} has ${count} examples in src/cli/help-examples.ts; give it two or three`);
  }
  assert.deepEqual(Object.keys(COMMAND_EXAMPLES).filter((name) => !names.includes(name)), [], 'examples of commands the program does not have');
  assert.ok(PROGRAM_EXAMPLES.length >= 2);
});

test("every example's command line parses against the program: known commands and options, every value given, every <bool> a boolean", async () => {
  const wrong: string[] = [];
  for (const [name, example] of ALL) {
    const commands: (Command | 'help')[] = [];
    try {
      for (const [casctl, ...words] of splitPipeline(example.line).commands) {
        if (casctl !== 'casctl') throw new Error(`'${casctl}' is not casctl: each command of a pipeline is`);
        const command = await parse(words);
        commands.push(command);
        if (command !== 'help') checkBooleans(command);
      }
      // A command's own example runs that command (a pipeline may feed it or be fed by it).
      if (name !== 'casctl' && !commands.some((c) => c !== 'help' && c.name() === name)) throw new Error(`it does not run ${name}`);
    } catch (error) {
      wrong.push(`${example.line}\n    ${(error as Error).message}`);
    }
  }
  assert.deepEqual(wrong, [], `examples in src/cli/help-examples.ts that casctl refuses:\n${wrong.join('\n')}`);
});

/** Commander takes any text for a <bool>; set-casmailbox would refuse what is not one. */
function checkBooleans(command: Command): void {
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (!option.flags.endsWith('<bool>') || value === undefined) continue;
    const long = (option.long ?? '').replace(/^--/, '');
    settingValue(long, String(value), nullableOptions.has(long));
  }
}

test("each command's --help ends with its examples, and casctl --help with the program's", async () => {
  for (const [name, examples] of [['casctl', PROGRAM_EXAMPLES], ...Object.entries(COMMAND_EXAMPLES)] as const) {
    const { cli, stdout } = program();
    await assert.rejects(cli.program.parseAsync(name === 'casctl' ? ['--help'] : [name, '--help'], { from: 'user' }), { code: 'commander.helpDisplayed' });
    const help = stdout.text();
    const block = help.slice(help.indexOf('\nExamples:\n'));
    assert.ok(help.includes('\nExamples:\n'), `${name} --help has no Examples block:\n${help}`);
    for (const example of examples) {
      assert.ok(block.includes(`  # ${example.text}\n  ${example.line}\n`), `${name} --help lacks: ${example.line}\n${help}`);
    }
  }
});

test("the shell splitting is a shell's: quotes, backslashes, pipes, a final redirection, and refusing what a shell would expand", () => {
  assert.deepEqual(splitPipeline(`casctl a "Rand Zaher" 'North America\\Finance' x\\ y "\\$true" a#b | casctl b -`), {
    commands: [
      ['casctl', 'a', 'Rand Zaher', 'North America\\Finance', 'x y', '$true', 'a#b'],
      ['casctl', 'b', '-'],
    ],
    output: null,
  });
  assert.deepEqual(splitPipeline(`casctl -PopEnabled:'$false' --filter "Department -eq 'IT'"`).commands, [['casctl', '-PopEnabled:$false', '--filter', "Department -eq 'IT'"]]);
  assert.deepEqual(splitPipeline('casctl audit policy.yml -o junit > report.xml'), { commands: [['casctl', 'audit', 'policy.yml', '-o', 'junit']], output: 'report.xml' });
  assert.equal(splitPipeline('casctl completion fish > ~/.config/fish/completions/casctl.fish').output, '~/.config/fish/completions/casctl.fish');
  for (const bad of [
    'casctl -PopEnabled $false',
    'casctl --filter "PopEnabled -eq $false"',
    'casctl get-mailbox rand*',
    'casctl a; b',
    "casctl 'open",
    'casctl a > x > y',
    'casctl a > x | casctl b',
    'casctl a >',
    'casctl --file ~/Accounts.txt',
    'casctl a # a comment',
    'casctl a < in',
  ]) {
    assert.throws(() => splitPipeline(bad), Error, bad);
  }
});
