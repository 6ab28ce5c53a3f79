import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { ROOT, outcome, type CliResult } from './cli.js';

/** Installing casctl as a user would: npm, a prefix of its own, a shell whose PATH knows nothing of the clone. */

export interface Ran extends CliResult {
  ms: number;
}

/** Runs a program to its end, timed: the install's time is one of the figures the tests report. */
export async function exec(program: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Ran> {
  const started = performance.now();
  const result = await outcome(spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  return { ...result, ms: performance.now() - started };
}

export const isInside = (path: string, dir: string): boolean => !relative(dir, path).startsWith('..');

/**
 * The environment of an admin's shell with `bin` first on PATH: no `npm_*` variables that
 * `npm test` exported (they would steer the npm the test runs), no PATH entry inside the clone
 * (`npm test` puts node_modules/.bin there).
 */
export function userEnv(bin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^npm_/i.test(name) && name !== 'INIT_CWD') env[name] = value;
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => entry !== '' && !isInside(entry, ROOT));
  return { ...env, PATH: [bin, ...path].join(delimiter), LANG: 'C.UTF-8', ...extra };
}

const onPath = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

/**
 * For `describe(..., { skip })`: npm builds better-sqlite3 from source where it has no prebuilt
 * binary, which takes python3, make and a C++ compiler. Skipped without them only on a developer's
 * machine: with CI set the install runs, and fails.
 */
export function installSkipReason(): string | false {
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  const missing = ['npm', 'python3', 'make', 'g++'].filter((p) => !onPath(p));
  return missing.length === 0 ? false : `${missing.join(', ')} not installed (apt-get install python3 make g++); skipped because CI is not set`;
}

/** The newest modification time under a directory, of the files whose name passes `keep`. */
function times(dir: string, keep: (name: string) => boolean): number[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return times(path, keep);
    return keep(entry.name) ? [statSync(path).mtimeMs] : [];
  });
}

/**
 * `npm pack --ignore-scripts` packs dist as it is, so it must be built from the sources as they
 * are (npm test's pretest builds it): every file it ships is newer than the newest source.
 */
export function distIsCurrent(): string | undefined {
  const newestSource = Math.max(...times(join(ROOT, 'src'), (name) => name.endsWith('.ts')));
  const oldestBuilt = Math.min(...times(join(ROOT, 'dist'), (name) => name.endsWith('.js')));
  return oldestBuilt >= newestSource ? undefined : 'dist/ is older than src/ (or holds a file no source builds any more): rm -rf dist && npm run build';
}

/** A copy of the checkout as a fresh clone has it: the files git tracks (and new ones it would), nothing ignored. */
export function copyCheckout(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const source = join(ROOT, file);
    // A file deleted in the work tree but not yet in git's index is not in a clone either.
    if (!statSync(source, { throwIfNoEntry: false })?.isFile()) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(source, join(to, file));
  }
}
