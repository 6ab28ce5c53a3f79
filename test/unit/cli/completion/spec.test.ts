import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { EXCHANGE_SPELLINGS, exchangeSpelling } from '../../../../src/cli/command-spellings.js';
import { offeredOuNames } from '../../../../src/cli/completion/ou-names.js';
import { scriptTables } from '../../../../src/cli/completion/script-values.js';
import { completionSpec, type CompletionSpec } from '../../../../src/cli/completion/spec.js';
import { normaliseArgv } from '../../../../src/cli/normalise-argv.js';
import { buildProgram } from '../../../../src/cli/program.js';
import { AUDIT_FORMATS, CHANGE_FORMATS, LISTING_FORMATS, PLAN_CHANGE_FORMATS } from '../../../../src/output/format-names.js';
import { NO_TERMINAL } from '../../../helpers/fake-terminal.js';

const context = {
  stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: process.cwd(), now: () => new Date(),
  argv: [], actor: { osUser: 'casadmin', sudoUser: null, host: 'admin1' }, terminal: NO_TERMINAL,
};
const cli = buildProgram(context);
const spec = completionSpec(cli.program);
const command = (name: string): CompletionSpec['commands'][number] => {
  const found = spec.commands.find((c) => c.name === name);
  assert.ok(found, name);
  return found;
};
const valuesOf = (commandName: string, flag: string): unknown => command(commandName).options.find((o) => o.flags.includes(flag))?.values;

test('every Exchange spelling names a command of the program, and the command line reads it as that command', () => {
  const names = cli.program.commands.map((c) => c.name());
  for (const spelling of EXCHANGE_SPELLINGS) {
    const name = names.find((n) => exchangeSpelling(n) === spelling);
    assert.ok(name !== undefined, `${spelling} names no command`);
    assert.deepEqual(normaliseArgv([spelling], cli.vocabulary), [name]);
  }
  assert.deepEqual(command('get-casmailbox').spellings, ['get-casmailbox', 'Get-CASMailbox']);
  assert.deepEqual(command('audit').spellings, ['audit']);
});

test('each command offers the -o formats it checks, booleans for its settings, and what its arguments name', () => {
  assert.deepEqual(valuesOf('get-casmailbox', '-o'), { kind: 'words', words: LISTING_FORMATS });
  assert.deepEqual(valuesOf('set-casmailbox', '--output'), { kind: 'words', words: CHANGE_FORMATS });
  assert.deepEqual(valuesOf('set-casmailboxplan', '-o'), { kind: 'words', words: PLAN_CHANGE_FORMATS });
  assert.deepEqual(valuesOf('audit', '-o'), { kind: 'words', words: [...new Set([...AUDIT_FORMATS, ...CHANGE_FORMATS])] });
  assert.deepEqual(valuesOf('get-transportconfig', '-o'), { kind: 'words', words: ['table', 'list', 'json', 'ndjson', 'csv'] });
  assert.deepEqual(valuesOf('set-casmailbox', '--pop-enabled'), { kind: 'words', words: ['true', 'false', '$true', '$false'] });
  assert.deepEqual(valuesOf('set-casmailbox', '--smtp-client-authentication-disabled'), { kind: 'words', words: ['true', 'false', '$true', '$false', '$null'] });
  assert.deepEqual(valuesOf('get-dovecotconfig', '--dovecot-version'), { kind: 'words', words: ['2.3', '2.4'] });
  assert.deepEqual(valuesOf('get-dovecotconfig', '--write'), { kind: 'directories' });
  assert.deepEqual(valuesOf('get-casmailbox', '--organizational-unit'), { kind: 'organizational-units', words: [] });
  assert.deepEqual(command('set-casmailboxplan').arguments, [{ variadic: false, values: { kind: 'organizational-units', words: ['Default'] } }]);
  assert.deepEqual(command('import').arguments, [{ variadic: false, values: { kind: 'files' } }]);
  const services = command('get-service').arguments[0];
  assert.equal(services?.variadic, true);
  assert.ok(services?.values?.kind === 'words' && services.values.words.includes('MSExchangeIMAP4') && services.values.words.includes('imap4'));
  // Every option with a value is in the spec; the program's own ones are offered with every command.
  assert.ok(spec.globalOptions.some((o) => o.flags.includes('--store') && o.takesValue));
  for (const c of spec.commands) {
    const output = c.options.find((o) => o.flags.includes('--output'));
    if (output !== undefined) assert.equal(output.values?.kind, 'words', c.name);
  }
});

test("the scripts read a PowerShell parameter as the long option normalise-argv makes of it", () => {
  const { parameters } = scriptTables(spec);
  assert.equal(parameters.get('organizationalunit'), '--organizational-unit');
  assert.equal(parameters.get('smtpclientauthenticationdisabled'), '--smtp-client-authentication-disabled');
  for (const [key, long] of parameters) assert.deepEqual(normaliseArgv(['get-casmailbox', `-${key}`, 'x'], cli.vocabulary), ['get-casmailbox', long, 'x'], key);
});

test('the hidden helper stays out of what is completed', () => {
  assert.ok(!spec.commands.some((c) => c.name.startsWith('__')));
  assert.ok(cli.program.commands.some((c) => c.name() === '__complete-ou'));
});

test('the scripts refuse a word with white space in it, which their tables would split', () => {
  const broken: CompletionSpec = { globalOptions: [], commands: [{ ...command('get-service'), arguments: [{ variadic: true, values: { kind: 'words', words: ['North America'] } }] }] };
  assert.throws(() => scriptTables(broken), /white space/);
});

test('OU names: each Name, the nested path in Exchange form, the canonical name; once each; none with a control character', () => {
  const unit = (canonical: string): { Guid: string; Name: string; CanonicalName: string; DistinguishedName: string } => ({
    Guid: canonical,
    Name: canonical.split('/').at(-1) ?? '',
    CanonicalName: canonical,
    DistinguishedName: '',
  });
  assert.deepEqual(offeredOuNames([unit('tailspintoys.com/North America'), unit('tailspintoys.com/North America/Finance'), unit('tailspintoys.com/Europe/Finance'), unit('tailspintoys.com/Bad\nName')]), [
    'North America',
    'tailspintoys.com/North America',
    'Finance',
    'North America\\Finance',
    'tailspintoys.com/North America/Finance',
    'Europe\\Finance',
    'tailspintoys.com/Europe/Finance',
  ]);
});
