import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_LOCATIONS } from '../../../src/cli/config-locations.js';
import { COMMAND_EXAMPLES, PROGRAM_EXAMPLES } from '../../../src/cli/help-examples.js';
import { EXIT_CODE_MEANINGS, ExitCode } from '../../../src/core/errors.js';
import { ENVIRONMENT, MAN_PAGE_PATH, manPage } from '../../../scripts/man-page.js';
import { roffText } from '../../../scripts/roff.js';
import { ROOT } from '../../helpers/cli.js';
import { capturedProgram } from '../../helpers/program.js';

const PAGE = join(ROOT, MAN_PAGE_PATH);
const REGENERATE = 'run `npm run build` (or `node --import tsx scripts/build-man.ts`) and commit man/casctl.1';

/** groff and man-db are in .ci/run's packages; without CI, a machine lacking them skips what needs them. */
function toolSkip(tool: string): string | false {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return `${tool} is not installed (apt-get install groff-base man-db); skipped because CI is not set`;
}

/** What man(1) shows: formatting stripped, so the text can be compared with what help says. */
function rendered(): string {
  const result = spawnSync('man', ['-l', PAGE], { env: { PATH: process.env.PATH, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat', LANG: 'C.UTF-8' }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  // Overstrike (`c BACKSPACE c` bold, `_ BACKSPACE c` underlined), should man leave it in: the character before each backspace goes.
  const parts = result.stdout.split(String.fromCharCode(8));
  return parts.map((part, n) => (n === parts.length - 1 ? part : part.slice(0, -1))).join('');
}

test(`the committed ${MAN_PAGE_PATH} is what the program generates now`, () => {
  assert.ok(readFileSync(PAGE, 'utf8') === manPage(), `${MAN_PAGE_PATH} is out of date with the program or its examples: ${REGENERATE}`);
});

test('package.json installs the page: "man" names it, and "files" packs it', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man?: string[]; files?: string[] };
  assert.deepEqual(manifest.man, [`./${MAN_PAGE_PATH}`]);
  assert.ok(manifest.files?.includes('man'), 'add "man" to "files"');
});

test('groff renders the page without a warning', { skip: toolSkip('groff') }, () => {
  const result = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', PAGE], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
});

test('man -l shows every command with its options and examples, typed as help types them', { skip: toolSkip('man') }, () => {
  const text = rendered();
  const program = capturedProgram().cli.program;
  const help = program.createHelp();
  for (const command of program.createHelp().visibleCommands(program).filter((c) => c.name() !== 'help')) {
    assert.ok(text.includes(`\n   ${command.name()} ${command.usage()}\n`), `no section for ${command.name()}`);
    for (const option of command.options) assert.ok(text.includes(help.optionTerm(option)), `${command.name()}: no ${help.optionTerm(option)}`);
  }
  for (const option of program.options) assert.ok(text.includes(help.optionTerm(option)), `no global ${help.optionTerm(option)}`);
  // Examples are not filled: each line reads exactly as it pastes, backslashes, quotes and dashes included.
  for (const example of [...PROGRAM_EXAMPLES, ...Object.values(COMMAND_EXAMPLES).flat()]) {
    assert.ok(text.includes(`\n           ${example.line}\n`) || text.includes(`\n       ${example.line}\n`), `not shown as typed: ${example.line}`);
  }
  for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'GLOBAL OPTIONS', 'ENVIRONMENT', 'FILES', 'EXIT STATUS', 'SEE ALSO']) {
    assert.match(text, new RegExp(`\\n${section}\\n`));
  }
  for (const location of CONFIG_LOCATIONS) assert.ok(text.includes(location.name.replace(/ <path>$/, '')), location.name);
});

test('EXIT STATUS gives every exit code a meaning', () => {
  const page = manPage();
  for (const code of Object.values(ExitCode)) {
    assert.ok(EXIT_CODE_MEANINGS[code].length > 0);
    assert.ok(page.includes(`.TP\n\\fB${code}\\fR\n${roffText(EXIT_CODE_MEANINGS[code])}\n`), `exit ${code}`);
  }
});

/** Every environment variable src/ reads: `env.NAME`, and the names it looks up by text (`'CASCTL_…'`). */
function variablesRead(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      for (const name of variablesRead(path)) names.add(name);
      continue;
    }
    if (!entry.endsWith('.ts')) continue;
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|'(CASCTL_[A-Z0-9_]+)'/g)) names.add((match[1] ?? match[2]) as string);
  }
  return names;
}

test('ENVIRONMENT names every variable casctl reads', () => {
  // Set by casctl itself around SQLite's open (src/store/sqlite/read-only.ts), never the user's.
  const internal = new Set(['SQLITE_USE_URI']);
  const documented = new Set(ENVIRONMENT.flatMap(([names]) => names.split(', ')));
  const read = [...variablesRead(join(ROOT, 'src'))].filter((name) => !internal.has(name));
  assert.ok(read.includes('CASCTL_STORE') && read.includes('CASCTL_LDAP_PASSWORD_FILE'), read.join(' '));
  assert.deepEqual(read.filter((name) => !documented.has(name)), [], 'add them to ENVIRONMENT in scripts/man-page.ts');
});

test("--config's help names the configuration files FILES lists", () => {
  const program = capturedProgram().cli.program;
  const config = program.options.find((o) => o.long === '--config');
  for (const location of CONFIG_LOCATIONS.filter((l) => !l.named)) assert.ok(config?.description.includes(location.name), `--config's help lacks ${location.name}`);
});

test('roff text: backslashes, dashes, quotes and a leading dot reach the page as typed', () => {
  assert.equal(roffText("North America\\Finance -o 'x' \"y\" `z`"), 'North America\\(rsFinance \\-o \\(aqx\\(aq \\(dqy\\(dq \\(gaz\\(ga');
  assert.equal(roffText('.hidden request'), '\\&.hidden request');
  assert.equal(roffText('José → Álvarez'), 'Jos\\[u00E9] \\[u2192] \\[u00C1]lvarez');
  assert.throws(() => roffText('two\nlines'));
});
