import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseArgv } from '../../../src/cli/normalise-argv.js';

const vocabulary = {
  commands: ['get-casmailbox', 'set-casmailbox', 'get-mailbox'],
  options: ['identity', 'pop-enabled', 'imap-enabled', 'organizational-unit', 'filter', 'result-size', 'yes', 'output'],
};
const normalise = (...argv: string[]): string[] => normaliseArgv(argv, vocabulary);

const cases: [string[], string[]][] = [
  [['Set-CASMailbox', '-Identity', 'Rand Zaher', '-PopEnabled', '$false', '-ImapEnabled:$false'],
    ['set-casmailbox', '--identity', 'Rand Zaher', '--pop-enabled', '$false', '--imap-enabled=$false']],
  [['GET-CASMAILBOX', '-identity', 'rand'], ['get-casmailbox', '--identity', 'rand']],
  [['get-mailbox', '-OrganizationalUnit', 'North America\\Finance', '-ResultSize', 'Unlimited'],
    ['get-mailbox', '--organizational-unit', 'North America\\Finance', '--result-size', 'Unlimited']],
  [['set-casmailbox', 'x', '-Confirm:$false', '--pop-enabled', 'false'], ['set-casmailbox', 'x', '--yes', '--pop-enabled', 'false']],
  [['set-casmailbox', 'x', '-Confirm', '-POPENABLED:0'], ['set-casmailbox', 'x', '--confirm', '--pop-enabled=0']],
  [['set-casmailbox', 'x', '-Confirm:$true'], ['set-casmailbox', 'x', '--confirm']],
  [['set-casmailbox', 'x', '-WhatIf:$false', '-WhatIf:$true'], ['set-casmailbox', 'x', '--what-if']],
  [['set-casmailbox', 'x', '-whatif'], ['set-casmailbox', 'x', '--what-if']],
  // Kebab-case, short options and values are left alone.
  [['get-casmailbox', '--identity', 'rand', '-o', 'json'], ['get-casmailbox', '--identity', 'rand', '-o', 'json']],
  [['get-casmailbox', '--filter', "Department -like 'Eng*'"], ['get-casmailbox', '--filter', "Department -like 'Eng*'"]],
  // Unknown PowerShell-style words pass through for commander to reject with its own message.
  [['get-casmailbox', '-Bogus', 'x'], ['get-casmailbox', '-Bogus', 'x']],
  // Only the first word is a command name; an identity that spells one stays an identity.
  [['get-casmailbox', 'Get-Mailbox'], ['get-casmailbox', 'Get-Mailbox']],
  // Nothing after `--` is touched.
  [['get-casmailbox', '--', '-Identity'], ['get-casmailbox', '--', '-Identity']],
  // An empty `:value` (bash expanded an unquoted $false) is kept visible so the error can explain it.
  [['set-casmailbox', 'x', '-PopEnabled:'], ['set-casmailbox', 'x', '--pop-enabled=']],
];

for (const [input, expected] of cases) {
  test(`normalises ${JSON.stringify(input)}`, () => {
    assert.deepEqual(normalise(...input), expected);
  });
}
