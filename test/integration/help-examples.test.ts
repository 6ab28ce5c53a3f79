/**
 * Every example of --help and the man page, run as typed on a fresh copy of the directory
 * test/helpers/example-runs.ts sets up (the sample directory, services that only record).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES } from '../../src/cli/help-examples.js';
import { BIN, casctl } from '../helpers/cli.js';
import { checkRun, EXAMPLES, exampleDirectory, runLine } from '../helpers/example-runs.js';

const linesOf = (name: string): string[] => (COMMAND_EXAMPLES[name] ?? []).map((e) => e.line);

/** Examples that need what this directory cannot give them, and why; the parse test still checks them (test/unit/cli/help-examples.test.ts). */
const NOT_RUN = new Map([
  ['casctl init --store /var/lib/casctl/directory.db', 'writes outside the test directory'],
  ['casctl init --profile iredmail', 'needs an iRedMail directory on LDAP, PostgreSQL or MySQL'],
  ['casctl get-dovecotconfig --write /etc/dovecot/casctl --last-logons', "writes into this machine's /etc/dovecot"],
  ...linesOf('get-mailboxstatistics').map((line) => [line, 'reads mailboxes with doveadm: test/e2e/help-examples-dovecot.test.ts runs them'] as const),
  ...[...linesOf('test-imapconnectivity'), ...linesOf('test-popconnectivity')].map((line) => [line, 'logs in to mail.example.com'] as const),
]);

/** The sample directory breaks the sample policy: the audit examples exit 5, as the audit they show should. */
const VIOLATIONS = 5;
const EXIT = new Map([
  ['casctl audit policy.yml', VIOLATIONS],
  ['casctl audit policy.yml -o junit > report.xml', VIOLATIONS],
  ['casctl audit policy.yml --fix --what-if', VIOLATIONS],
]);

test('every example that is left out, or exits other than 0, names one that exists', () => {
  const lines = new Set(EXAMPLES.map(([, e]) => e.line));
  for (const line of [...NOT_RUN.keys(), ...EXIT.keys()]) assert.ok(lines.has(line), `no example is: ${line}`);
});

for (const [name, example] of EXAMPLES.filter(([, e]) => !NOT_RUN.has(e.line))) {
  test(`example of ${name}: ${example.line}`, async () => {
    const cwd = await exampleDirectory(example.line);
    checkRun(example.line, await runLine(example.line, cwd), EXIT.get(example.line));
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
