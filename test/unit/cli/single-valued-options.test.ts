import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { Command } from 'commander';
import { normaliseArgv } from '../../../src/cli/normalise-argv.js';
import { buildProgram } from '../../../src/cli/program.js';
import { refuseConflictingRepeats } from '../../../src/cli/single-valued-options.js';
import { UsageError } from '../../../src/core/errors.js';
import { NO_TERMINAL } from '../../helpers/fake-terminal.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A command like casctl's: single-valued options, a <bool> one, a flag and a repeatable one. */
function parse(argv: string[]): Record<string, unknown> {
  const command = new Command('set-x')
    .exitOverride()
    .option('-o, --output <format>', '', 'table')
    .option('--pop-enabled <bool>')
    .option('--yes')
    .option('--identity <identity>', '', collect)
    .action(() => undefined);
  refuseConflictingRepeats([command]);
  command.parse(argv, { from: 'user' });
  return command.opts();
}

const conflict = (pattern: RegExp) => (error: unknown): boolean => {
  assert.ok(error instanceof UsageError, String(error));
  assert.equal(error.exitCode, 2);
  assert.match(error.message, pattern);
  return true;
};

test('a single-valued option twice with different values is a usage error naming it and both values', () => {
  assert.throws(() => parse(['-o', 'json', '--output', 'csv']), conflict(/^--output is given twice with different values, 'json' and then 'csv'; give it once/));
  assert.throws(() => parse(['--pop-enabled', 'false', '--pop-enabled=true']), conflict(/--pop-enabled is given twice with different values, 'false' and then 'true'/));
});

test('the same value twice is fine, a <bool> in any spelling of it too; flags and repeatable options stay repeatable; a default is no first value', () => {
  assert.deepEqual(parse(['-o', 'json', '-o', 'json']), { output: 'json' });
  assert.deepEqual(parse(['--pop-enabled', '$false', '--pop-enabled', 'false']), { output: 'table', popEnabled: 'false' });
  assert.deepEqual(parse(['--yes', '--yes', '--identity', 'a', '--identity', 'b', '-o', 'csv']), { output: 'csv', yes: true, identity: ['a', 'b'] });
});

test("every casctl command refuses it, in the Exchange spelling and casctl's mixed, before anything runs", async () => {
  const context = {
    stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: process.cwd(), now: () => new Date(),
    argv: [], actor: { osUser: 'casadmin', sudoUser: null, host: 'admin1' }, terminal: NO_TERMINAL,
  };
  for (const [argv, pattern] of [
    [['Set-CASMailbox', 'rzaher', '-PopEnabled:$false', '--pop-enabled', 'true'], /^set-casmailbox: --pop-enabled is given twice with different values, '\$false' and then 'true'/],
    [['get-mailbox', '-o', 'json', '-o', 'csv'], /^get-mailbox: --output is given twice/],
    [['--store', 'a.db', 'get-casmailbox', '--store', 'b.db'], /^--store is given twice with different values, 'a\.db' and then 'b\.db'/],
    [['undo', '3', '-o', 'json', '-o', 'ndjson'], /^undo: --output/],
    [['prune-changelog', '--before', '1d', '--before', '2d'], /^prune-changelog: --before/],
    [['test-popconnectivity', 'a@b', '--port', '110', '-Port:995'], /^test-popconnectivity: --port is given twice with different values, '110' and then '995'/],
  ] as const) {
    const cli = buildProgram(context);
    await assert.rejects(cli.program.parseAsync(normaliseArgv(argv, cli.vocabulary), { from: 'user' }), conflict(pattern), argv.join(' '));
  }
});
