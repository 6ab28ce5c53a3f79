import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { casctl, ROOT, tempDir, type CliOptions, type CliResult } from './cli.js';

const RECORD = fileURLToPath(new URL('./loaded-modules/record.mjs', import.meta.url));

/** What one casctl process loaded. Paths are relative to the package root. */
export interface LoadedModules {
  result: CliResult;
  /** The ES module files: bin/casctl.js, dist/cli/main.js, dist/chunks/…, node_modules/… */
  files: string[];
  /** The source files bundled into the dist/ files loaded (src/…, node_modules/commander/…), from their source maps. */
  sources: string[];
  /** Node's built-in modules loaded beyond what a bare process with the recorder loads. */
  builtins: string[];
  /** CommonJS files (better-sqlite3's). */
  commonJs: string[];
}

function records(file: string): { kind: string; name: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ kind: line.slice(0, line.indexOf(' ')), name: line.slice(line.indexOf(' ') + 1) }));
}

let bare: Set<string> | undefined;

/** The built-ins the recorder itself and a bare start load. */
function bareBuiltins(): Set<string> {
  if (bare !== undefined) return bare;
  const file = join(tempDir(), 'bare.txt');
  const run = spawnSync(process.execPath, ['--import', RECORD, '-e', ''], { env: { ...process.env, LOADED_MODULES_FILE: file } });
  if (run.status !== 0) throw new Error(`the recorder failed in a bare process: ${run.stderr.toString()}`);
  bare = new Set(records(file).filter((r) => r.kind === 'builtin').map((r) => r.name));
  return bare;
}

/** Runs casctl as the tests do, recording every module it loads. */
export async function loadedModules(args: readonly string[], options: CliOptions = {}): Promise<LoadedModules> {
  const file = join(tempDir(), 'loaded.txt');
  const result = await casctl(args, { ...options, env: { ...options.env, NODE_OPTIONS: `--import ${RECORD}`, LOADED_MODULES_FILE: file } });
  const loaded = records(file);
  const files = loaded.filter((r) => r.kind === 'esm' && r.name.startsWith('file:')).map((r) => relative(ROOT, fileURLToPath(r.name)));
  const sources = files
    .filter((f) => f.startsWith('dist/'))
    .flatMap((f) => (JSON.parse(readFileSync(join(ROOT, `${f}.map`), 'utf8')) as { sources: string[] }).sources.map((s) => relative(ROOT, join(ROOT, f, '..', s))));
  const builtins = loaded.filter((r) => r.kind === 'builtin' && !bareBuiltins().has(r.name)).map((r) => r.name);
  const commonJs = loaded.filter((r) => r.kind === 'cjs').map((r) => relative(ROOT, r.name));
  return { result, files, sources, builtins, commonJs };
}
