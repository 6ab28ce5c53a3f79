import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { slapdSkipReason, startSlapd } from './slapd.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'casctl.js');
export const FIXTURES = join(ROOT, 'fixtures');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  store?: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user and group (tests run as root: a reader other than the store's owner). */
  uid?: number;
  gid?: number;
}

/** Bind credentials of the LDAP stores sampleStore() made, by store URL. */
const credentials = new Map<string, NodeJS.ProcessEnv>();

/**
 * Runs bin/casctl.js as a user would: a separate process, no TTY, its own environment. Its own
 * session too (setsid), so it has no controlling terminal to ask on even when the tests run in one.
 */
export function casctl(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...options.env };
  if (options.store !== undefined) {
    env.CASCTL_STORE = options.store;
    Object.assign(env, credentials.get(options.store));
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  const result = outcome(child);
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  return result;
}

/** What a child process wrote on stdout and stderr, and its exit code, once it has ended. */
export function outcome(child: ChildProcessByStdio<Writable | null, Readable, Readable>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

const temporary: string[] = [];
// Removed when the test file's process ends (a node:test `after` would fire with the first test that asked).
process.on('exit', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'casctl-test-'));
  temporary.push(dir);
  return dir;
}

/** The stores the store-agnostic suites run on: both, wherever slapd exists (always in CI). */
export type StoreKind = 'sqlite' | 'ldap';
export const STORE_KINDS: readonly StoreKind[] = slapdSkipReason() === false ? ['sqlite', 'ldap'] : ['sqlite'];

let template: Promise<string> | undefined;
let hashedSample: Promise<string> | undefined;

const SAMPLE_PASSWORD = 'Tailspin!2026';

/** The sample directory with its one password hashed once (Password is its last column), so each LDAP copy imports quickly. */
export function hashedSampleCsv(): Promise<string> {
  hashedSample ??= (async () => {
    const { hashPassword } = await import('../../src/input/password-hash.js');
    const hashed = hashPassword(SAMPLE_PASSWORD);
    const text = readFileSync(join(FIXTURES, 'sample-directory.csv'), 'utf8')
      .split('\n')
      .map((line) => (line.endsWith(`,${SAMPLE_PASSWORD}`) ? `${line.slice(0, -SAMPLE_PASSWORD.length)}${hashed}` : line))
      .join('\n');
    if (text.includes(SAMPLE_PASSWORD)) throw new Error('the sample directory has a password elsewhere than its last column');
    const path = join(tempDir(), 'sample-hashed.csv');
    writeFileSync(path, text);
    return path;
  })();
  return hashedSample;
}

/** A fresh LDAP store holding the sample directory, on a slapd of its own (stopped when the file ends). */
async function ldapSampleStore(): Promise<string> {
  const slapd = await startSlapd();
  const url = slapd.storeUrl;
  credentials.set(url, slapd.env('service'));
  for (const args of [['init'], ['import', await hashedSampleCsv()]]) {
    const result = await casctl(args, { store: url });
    if (result.code !== 0) throw new Error(`${args[0]} on ${url} failed: ${result.stderr}`);
  }
  return url;
}

/**
 * A fresh copy of the sample directory: a SQLite file copied from one built per test file (hashing
 * its passwords takes a while), or a new LDAP directory.
 */
export async function sampleStore(kind: StoreKind = 'sqlite'): Promise<string> {
  if (kind === 'ldap') return ldapSampleStore();
  template ??= (async () => {
    const dir = tempDir();
    const path = join(dir, 'template.db');
    const result = await casctl(['init', '--sample', '--store', path]);
    if (result.code !== 0) throw new Error(`init --sample failed: ${result.stderr}`);
    return path;
  })();
  const source = await template;
  const path = join(tempDir(), 'casctl.db');
  copyFileSync(source, path);
  if (existsSync(`${source}-wal`)) throw new Error('the template store was not checkpointed');
  return path;
}

export function json<T = Record<string, unknown>[]>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

