import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { BIN, ROOT, casctl, tempDir } from '../helpers/cli.js';
import { PassThrough } from 'node:stream';
import { run as getCasMailbox } from '../../src/cli/commands/get-casmailbox.js';
import { NO_TERMINAL } from '../helpers/fake-terminal.js';
import { barsOf, fakeTerminal, framesOf } from '../helpers/progress-frames.js';

/**
 * Progress bars as an admin at a terminal sees them, on a directory big enough that each command
 * takes over a second (the bar's delay) on any machine: bars with true totals that move (a frame
 * between none and all), and the summary alone once they are gone. Off a terminal, stderr holds
 * the summary and nothing else. At 50,000 mailboxes a set took 1.1 s of its own on a quiet
 * machine, too close to the delay to show a bar every time; 120,000 leave a margin.
 */
const COUNT = 120_000;
const TOTAL = COUNT.toLocaleString('en-US');
const PTY = join(ROOT, 'test', 'helpers', 'pty-stderr.py');

interface TerminalRun {
  code: number;
  /** Everything written to the terminal (stderr), line breaks as the terminal got them. */
  terminal: string;
  stdout: string;
}

let dir: string;
let store: string;

function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', CASCTL_STORE: store };
}

/** casctl with its stderr on a pseudo-terminal and its stdout piped. */
function onTerminal(args: readonly string[]): TerminalRun {
  const stdout = join(dir, 'stdout.txt');
  const result = spawnSync('python3', [PTY, stdout, process.execPath, BIN, ...args], { cwd: dir, env: env(), maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status ?? -1, terminal: result.stdout.toString('utf8').replaceAll('\r\n', '\n'), stdout: readFileSync(stdout, 'utf8') };
}

/** What the terminal shows once the last bar is gone: the text after it was taken off its line. */
function afterTheBars(terminal: string): string {
  const cleared = terminal.lastIndexOf('\r\x1b[K');
  return cleared === -1 ? terminal : terminal.slice(cleared + 4);
}

/** Checks the bars of a run: each label's total is the true one, and at least one frame is between none and all. */
function assertBars(run: TerminalRun, totals: Record<string, number>): void {
  const bars = barsOf(framesOf(run.terminal));
  assert.ok(bars.length > 0, `a bar on a run over a second:\n${JSON.stringify(run.terminal.slice(0, 2000))}`);
  for (const bar of bars) {
    assert.ok(bar.label in totals, `an expected phase: ${bar.label}`);
    assert.equal(bar.total, totals[bar.label], `${bar.label}: its true total`);
    assert.ok(bar.value <= bar.total);
  }
  assert.ok(bars.some((bar) => bar.value > 0 && bar.value < bar.total), `a bar that moves: ${bars.map((b) => `${b.label} ${b.value}/${b.total}`).join(', ')}`);
  assert.doesNotMatch(afterTheBars(run.terminal), /[█░]/);
}

describe(`progress on a terminal, ${TOTAL} mailboxes`, () => {
  before(async () => {
    dir = tempDir();
    store = join(dir, 'big.db');
    const lines = ['Name,PrimarySmtpAddress,OrganizationalUnit,Department,PopEnabled,ImapEnabled'];
    for (let i = 0; i < COUNT; i++) lines.push(`User ${i},user${i}@big.example,big.example/Region ${i % 7},Dept ${i % 13},true,true`);
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'ids.txt'), `# every mailbox\n${Array.from({ length: COUNT }, (_, i) => `user${i}@big.example`).join('\n')}\n`);
    writeFileSync(join(dir, 'policy.yml'), 'rules:\n  - name: No POP3\n    filter: "Department -like \'Dept*\'"\n    expect: { PopEnabled: false }\n');
    const init = await casctl(['init', '--store', store]);
    assert.equal(init.code, 0, init.stderr);
  });

  test('import: the rows read, then the mailboxes written, each against the rows of the file', () => {
    const run = onTerminal(['import', 'big.csv']);
    assert.equal(run.code, 0, run.terminal);
    assertBars(run, { 'Reading file': COUNT, Writing: COUNT });
    assert.match(afterTheBars(run.terminal), new RegExp(`^Imported 'big.csv': ${COUNT} mailboxes created, 0 updated, 7 organizational units created.\n$`));
  });

  test('get-casmailbox into a pipe: the mailboxes read, counted (no total: it would take a second read)', async () => {
    // In-process, on a clock past the bar's delay: how fast the machine reads must not decide whether it shows.
    const stderr = fakeTerminal(true);
    const stdout = fakeTerminal(false);
    let time = 0;
    const code = await getCasMailbox(
      {
        stdin: new PassThrough(), stdout, stderr, env: {}, cwd: dir, now: () => new Date(), argv: ['get-casmailbox'],
        actor: { osUser: 'tester', sudoUser: null, host: 'host' }, terminal: NO_TERMINAL, clock: () => (time += 1000),
      },
      { output: 'csv', store },
      [],
    );
    assert.equal(code, 0, stderr.text());
    assert.equal(stdout.text().trimEnd().split('\n').length, COUNT + 1);
    const counts = stderr.frames().map((frame) => /^Reading directory: ([\d,]+) mailboxes$/.exec(frame)?.[1]);
    assert.ok(counts.length > 0 && counts.every((c) => c !== undefined), JSON.stringify(stderr.text().slice(0, 500)));
    const values = counts.map((c) => Number(c?.replaceAll(',', '')));
    assert.ok(values.some((v) => v > 0 && v < COUNT), values.join(', '));
    assert.deepEqual([...values].sort((x, y) => x - y), values, 'the count only goes up');
    assert.equal(afterTheBars(stderr.text()), '');
  });

  test('set-casmailbox by filter: planned against the count of the filter, then the history and the mailboxes written', () => {
    const run = onTerminal(['set-casmailbox', '--filter', "Department -like 'Dept*'", '--pop-enabled', 'false', '--yes', '-o', 'json']);
    assert.equal(run.code, 0, run.terminal);
    assertBars(run, { Planning: COUNT, 'Writing history': COUNT, Applying: COUNT });
    assert.match(afterTheBars(run.terminal), new RegExp(`^Changed ${COUNT}, unchanged 0, .*\nRecorded as change 1; .*\nFor the change to take effect, .*\n$`));
    assert.equal((JSON.parse(run.stdout) as { Summary: { Changed: number } }).Summary.Changed, COUNT);
  });

  test('set-casmailbox by file: the identities resolved, against the identities in the file', () => {
    const run = onTerminal(['set-casmailbox', '--file', 'ids.txt', '--imap-enabled', 'false', '--yes']);
    assert.equal(run.code, 0, run.terminal);
    assertBars(run, { 'Resolving identities': COUNT, 'Writing history': COUNT, Applying: COUNT });
    assert.match(afterTheBars(run.terminal), /Recorded as change 2; /);
  });

  test('undo: planned against the mailboxes of the change, then written', () => {
    const run = onTerminal(['undo', '2', '--yes']);
    assert.equal(run.code, 0, run.terminal);
    assertBars(run, { Planning: COUNT, 'Writing history': COUNT, Applying: COUNT });
    assert.match(afterTheBars(run.terminal), new RegExp(`^Changed ${COUNT}, .*\nRecorded as change 3; `));
  });

  test('audit --fix: the fixes written, against the violations fixed', async () => {
    const undo = await casctl(['undo', '1', '--yes'], { store });
    assert.equal(undo.code, 0, undo.stderr);
    const run = onTerminal(['audit', 'policy.yml', '--fix', '--yes']);
    assert.equal(run.code, 0, run.terminal);
    assertBars(run, { 'Writing history': COUNT, Applying: COUNT });
    assert.match(afterTheBars(run.terminal), new RegExp(`^Changed ${COUNT}, .*\nRecorded as change 5; `));
  });

  test('off a terminal, the same commands write only their summary to stderr', async () => {
    const summaryOnly = (stderr: string): void => {
      assert.doesNotMatch(stderr, /[\r█░]/);
      assert.ok(!stderr.includes('\x1b'), 'no terminal codes');
      for (const line of stderr.trimEnd().split('\n')) {
        // The store records no logins: a change that turns a protocol off says who loses it is unknown.
        assert.match(line, /^(Imported |\d+ CAS settings of existing mailboxes changed|Changed |Recorded as change |For the change to take effect|Audit of |WARNING: Who would lose access is unknown )/);
      }
    };
    const changeId = (stderr: string): string => /Recorded as change (\d+)/.exec(stderr)?.[1] ?? 'none';
    const imported = await casctl(['import', join(dir, 'big.csv')], { store });
    assert.equal(imported.code, 0, imported.stderr);
    summaryOnly(imported.stderr);
    const changed = await casctl(['set-casmailbox', '--file', join(dir, 'ids.txt'), '--imap-enabled', 'false', '--yes'], { store });
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stderr, new RegExp(`^WARNING: Who would lose access is unknown \\(this turns off IMAP4 for ${COUNT} mailboxes\\): .*\nChanged ${COUNT}, `));
    summaryOnly(changed.stderr);
    const undone = await casctl(['undo', changeId(changed.stderr), '--yes'], { store });
    assert.equal(undone.code, 0, undone.stderr);
    summaryOnly(undone.stderr);
    const fixed = await casctl(['audit', join(dir, 'policy.yml'), '--fix', '--yes'], { store });
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stderr, new RegExp(`Changed ${COUNT}, `), 'the import turned POP3 back on: there is something to fix');
    summaryOnly(fixed.stderr);
  });
});
