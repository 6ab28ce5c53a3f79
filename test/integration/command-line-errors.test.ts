import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, casctl, json, ROOT, sampleStore } from '../helpers/cli.js';

const USAGE_ERRORS: [string, string[], RegExp][] = [
  ['unknown option', ['set-casmailbox', 'rzaher', '--pop-enable', 'false'], /^casctl: unknown option '--pop-enable' \(Did you mean --pop-enabled\?\)$/m],
  ['missing argument', ['import'], /^casctl: missing required argument 'file'$/m],
  ['unknown command', ['frobnicate'], /^casctl: unknown command 'frobnicate'$/m],
  ['excess arguments', ['undo', '1', '2'], /^casctl: too many arguments for 'undo'\. Expected 1 argument but got 2\.$/m],
  ['option without its value', ['prune-changelog', '--before'], /^casctl: option '--before <when>' argument missing$/m],
];

test("commander's usage errors in casctl's style: casctl: lines, no error: prefix, no colour off a terminal, exit 2", async () => {
  for (const [what, args, line] of USAGE_ERRORS) {
    const result = await casctl(args);
    assert.equal(result.code, 2, `${what}: ${result.stderr}`);
    assert.match(result.stderr, line, what);
    assert.doesNotMatch(result.stderr, /^error:/m, what);
    assert.ok(!result.stderr.includes('\x1b'), what);
    assert.equal(result.stdout, '', what);
  }
});

test('the usage hint after an error names the command it was typed for, ready to paste', async () => {
  const inCommand = await casctl(['get-casmailbox', '--pop-enable', 'false']);
  assert.equal(inCommand.code, 2, inCommand.stderr);
  assert.match(inCommand.stderr, /^\(run 'casctl get-casmailbox --help' for usage\)$/m);
  const noCommand = await casctl(['frobnicate']);
  assert.match(noCommand.stderr, /^\(run 'casctl --help' for the commands\)$/m);
  assert.doesNotMatch(inCommand.stderr + noCommand.stderr, /<command>/);
});

test('--help and --version stay on stdout with exit 0', async () => {
  const help = await casctl(['set-casmailbox', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: casctl set-casmailbox/);
  assert.equal(help.stderr, '');
  const version = await casctl(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

/** casctl on a pseudo-terminal: what the terminal showed and the exit code. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; shown: string } {
  const result = spawnSync('python3', [join(ROOT, 'test', 'helpers', 'pty-answer.py'), 'casctl:', '', process.execPath, BIN, ...args], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', TERM: 'xterm', ...env },
    encoding: 'utf8',
  });
  return { code: result.status, shown: result.stdout };
}

test("on a terminal the casctl: prefix is red, for commander's errors and casctl's own; never with NO_COLOR", () => {
  const red = '\x1b[31mcasctl:\x1b[39m';
  for (const args of [['frobnicate'], ['test-popconnectivity', 'a b']]) {
    const coloured = onTerminal(args);
    assert.equal(coloured.code, 2, coloured.shown);
    assert.ok(coloured.shown.includes(red), JSON.stringify(coloured.shown));
    const plain = onTerminal(args, { NO_COLOR: '1' });
    assert.equal(plain.code, coloured.code, plain.shown);
    assert.match(plain.shown, /^casctl: /m);
    assert.ok(!plain.shown.includes('\x1b'), JSON.stringify(plain.shown));
  }
});

test('a single-valued option twice with different values, in Exchange and GNU spelling mixed: exit 2, named, nothing changed', async () => {
  const store = await sampleStore();
  const result = await casctl(['Set-CASMailbox', 'rzaher', '-PopEnabled:$false', '--pop-enabled', 'true'], { store });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^casctl: set-casmailbox: --pop-enabled is given twice with different values, '\$false' and then 'true'; give it once, with the value you mean\. Nothing was changed\.$/m);
  assert.deepEqual(json(await casctl(['get-changelog', '-o', 'json'], { store })), [], 'nothing was changed');
  const twice = await casctl(['get-casmailbox', 'rzaher', '-o', 'json', '-o', 'csv'], { store });
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /--output is given twice with different values, 'json' and then 'csv'/);
  const same = await casctl(['set-casmailbox', 'rzaher', '-PopEnabled:$false', '--pop-enabled', 'false', '-o', 'json', '-o', 'json'], { store });
  assert.equal(same.code, 0, same.stderr);
  assert.equal(json<{ Summary: { Changed: number } }>(same).Summary.Changed, 1, 'the same value twice is fine');
});
