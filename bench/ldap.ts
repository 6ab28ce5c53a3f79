// The OpenLDAP store against OpenLDAP's own clients on the same private slapd (issue 17): import
// rate at two sizes (linear in N?), `set-casmailbox --file` against `ldapmodify -c` doing the same
// modifies, and a filtered `get-casmailbox` against `ldapsearch -E pr=1000` of the same filter.
// Run by bench/run.js (BENCH_ONLY=ldap for this alone); prints one JSON document on stdout,
// progress on stderr. Starts slapd with the test harness (test/helpers/slapd.ts), so it runs through tsx.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Client } from 'ldapts';
import { filterFields } from '../src/core/properties.js';
import { chooseProperties } from '../src/output/formats.js';
import { CAS_MAILBOX_VIEW, fieldsFor } from '../src/output/mailbox-output.js';
import { CASCTL_MAPPING } from '../src/store/ldap/mapping.js';
import { fieldAttributes } from '../src/store/ldap/mailbox-projection.js';
import { mailboxFilter } from '../test/helpers/filter/parse.js';
import { tempDir } from '../test/helpers/cli.js';
import { startSlapd, type Slapd } from '../test/helpers/slapd.js';
// @ts-expect-error: a JavaScript module of the bench, without types
import { generate } from './generate.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CASCTL = join(ROOT, 'bin', 'casctl.js');
const int = (name: string, fallback: number): number => {
  const value = Number((process.env[name] ?? '').replace(/_/g, ''));
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const SIZES = (process.env.BENCH_LDAP_IMPORT_SIZES ?? '20000,100000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const MAILBOXES = int('BENCH_LDAP_MAILBOXES', 20_000);
const RUNS = int('BENCH_LDAP_RUNS', 3);
/** A directory for --cpu-prof profiles: one extra, untimed run of each casctl command; the imports' one run each is profiled as timed. */
const PROFILE_DIR = process.env.BENCH_LDAP_CPU_PROF;
const SUFFIX = 'dc=bench,dc=example';
/** What `PopEnabled -eq $false` pushes down to (pushdown.ts): the protocol's value is absent. */
const POP_OFF_FILTER = '(&(objectClass=casMailbox)(!(casEnabledService=pop3)))';
const POP_FILTER = 'PopEnabled -eq $false';
/** What casctl's read asks the server for (the -o json view's fields and the filter's): the reference asks for the same. */
const READ_ATTRIBUTES = fieldAttributes(CASCTL_MAPPING, [...fieldsFor(chooseProperties(CAS_MAILBOX_VIEW, 'json', undefined)), ...filterFields(mailboxFilter(POP_FILTER))]);
const log = (text: string): void => void process.stderr.write(`[ldap] ${text}\n`);
const dir = tempDir();

interface Run {
  ms: number;
  code: number;
}

/** One whole process, stdout to `stdout`, stderr kept for a failure's message; wall time from spawn to exit. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv, stdout = '/dev/null'): Promise<Run & { stderr: string }> {
  return new Promise((resolve, reject) => {
    const out = openSync(stdout, 'w');
    const started = performance.now();
    const child = spawn(command, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      closeSync(out);
      resolve({ ms: performance.now() - started, code: code ?? -1, stderr });
    });
  });
}

async function must(command: string, args: readonly string[], env: NodeJS.ProcessEnv, stdout?: string, allowed: readonly number[] = [0]): Promise<number> {
  const run = await timed(command, args, env, stdout);
  if (!allowed.includes(run.code)) throw new Error(`${command} ${args.join(' ')} failed (${run.code}): ${run.stderr.slice(-2000)}`);
  return run.ms;
}

function casctlArgs(slapd: Slapd, args: readonly string[], profile?: string): string[] {
  const prof = profile === undefined || PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `${profile}.cpuprofile`];
  return [...prof, CASCTL, ...args, '--store', slapd.storeUrl];
}

/** The OpenLDAP clients' bind: the service account, its password from a file (never argv). */
function clientArgs(slapd: Slapd): string[] {
  const passwordFile = join(dir, 'service.pw');
  writeFileSync(passwordFile, slapd.accounts.service.password, { mode: 0o600 });
  return ['-x', '-H', slapd.serverUrl, '-D', slapd.accounts.service.dn, '-y', passwordFile];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function dnsWhere(client: Client, filter: string): Promise<string[]> {
  const { searchEntries } = await client.search(SUFFIX, { scope: 'sub', filter, attributes: ['1.1'], paged: { pageSize: 1000 } });
  return searchEntries.map((e) => e.dn);
}

const modifyLdif = (dns: readonly string[], operation: 'add' | 'delete'): string =>
  dns.map((dn) => `dn: ${dn}\nchangetype: modify\n${operation}: casEnabledService\ncasEnabledService: pop3\n-\n`).join('\n');

/**
 * The entries a casctl import wrote (OUs and mailboxes, user attributes, parents first as they were
 * added), as LDIF for ldapadd: the reference adds exactly what casctl added.
 */
async function importedLdif(slapd: Slapd, path: string): Promise<number> {
  const bind = ['-x', '-H', slapd.serverUrl, '-D', slapd.accounts.admin.dn, '-y', join(dir, 'admin.pw')];
  writeFileSync(join(dir, 'admin.pw'), slapd.accounts.admin.password, { mode: 0o600 });
  const raw = join(dir, 'imported-raw.ldif');
  await must('ldapsearch', [...bind, '-LLL', '-o', 'ldif-wrap=no', '-b', SUFFIX, '(|(objectClass=organizationalUnit)(objectClass=casMailbox))', '*'], {}, raw);
  const internal = `,cn=casctl,${SUFFIX}`.toLowerCase();
  const entries = readFileSync(raw, 'utf8').split('\n\n').filter((block) => block.startsWith('dn: ') && !(block.split('\n')[0] as string).toLowerCase().endsWith(internal));
  writeFileSync(path, `${entries.join('\n\n')}\n`);
  return entries.length;
}

/** A fresh slapd with casctl's container (`casctl init`), as each import starts from. */
async function freshStore(): Promise<Slapd> {
  const slapd = await startSlapd({ suffix: SUFFIX, startTimeoutMs: 30_000 });
  await must(process.execPath, casctlArgs(slapd, ['init']), slapd.env('service'));
  return slapd;
}

const results: Record<string, unknown> = { imports: [] as unknown[] };
let kept: { slapd: Slapd; data: { identitiesPath: string } } | undefined;
for (const size of [...new Set([...SIZES, MAILBOXES])].sort((a, b) => a - b)) {
  const slapd = await freshStore();
  const data = generate(dir, size) as { csvPath: string; identitiesPath: string };
  const ms = await must(process.execPath, casctlArgs(slapd, ['import', data.csvPath], `import-${size}`), slapd.env('service'));
  // The reference: ldapadd (one add at a time) of the same entries into another fresh slapd.
  const ldif = join(dir, `imported-${size}.ldif`);
  const added = await importedLdif(slapd, ldif);
  const other = await freshStore();
  let ldapaddMs: number;
  try {
    ldapaddMs = await must('ldapadd', [...clientArgs(other), '-f', ldif], {});
  } finally {
    await other.stop();
  }
  const row = { mailboxes: size, entries: added, casctlMs: ms, casctlPerSecond: Math.round((size / ms) * 1000), ldapaddMs, ldapaddPerSecond: Math.round((size / ldapaddMs) * 1000), rateRatio: +(ldapaddMs / ms).toFixed(2) };
  (results.imports as unknown[]).push(row);
  log(`import of ${size}: ${JSON.stringify(row)}`);
  if (size === MAILBOXES) kept = { slapd, data };
  else await slapd.stop();
}
if (kept === undefined) throw new Error('no store of BENCH_LDAP_MAILBOXES');
const { slapd, data } = kept;
const env = slapd.env('service');
const client = await slapd.client('admin');
try {
  // Bulk modify: casctl turns POP off for every identity of the file; the ones that had it on are
  // the modifies ldapmodify makes (the same LDIF casctl's modifies amount to). Each run starts from
  // the same directory: the POP values it removed are added back, untimed.
  const popOn = await dnsWhere(client, '(&(objectClass=casMailbox)(casEnabledService=pop3))');
  const disable = join(dir, 'disable.ldif');
  const restore = join(dir, 'restore.ldif');
  writeFileSync(disable, modifyLdif(popOn, 'delete'));
  writeFileSync(restore, modifyLdif(popOn, 'add'));
  const bind = clientArgs(slapd);
  const casctlRuns: number[] = [];
  const referenceRuns: number[] = [];
  const setArgs = ['set-casmailbox', '--file', data.identitiesPath, '--pop-enabled', 'false', '--yes'];
  // With BENCH_LDAP_CPU_PROF, one more casctl run under --cpu-prof, not counted.
  for (let run = 0; run < RUNS + (PROFILE_DIR === undefined ? 0 : 1); run++) {
    for (const side of run === RUNS ? ['casctl'] : run % 2 === 0 ? ['casctl', 'ldapmodify'] : ['ldapmodify', 'casctl']) {
      if (side === 'casctl') {
        casctlRuns.push(await must(process.execPath, casctlArgs(slapd, setArgs, run === RUNS ? 'set-file' : undefined), env));
      } else {
        referenceRuns.push(await must('ldapmodify', [...bind, '-c', '-f', disable], {}));
      }
      const left = (await dnsWhere(client, '(&(objectClass=casMailbox)(casEnabledService=pop3))')).length;
      if (left !== 0) throw new Error(`${side} left ${left} mailboxes with POP3 on`);
      await must('ldapmodify', [...bind, '-f', restore], {});
    }
  }
  if (casctlRuns.length > RUNS) casctlRuns.pop();
  const modify = { identities: MAILBOXES, modifies: popOn.length, casctlMs: median(casctlRuns), ldapmodifyMs: median(referenceRuns), casctlRuns, referenceRuns };
  results.modify = { ...modify, rateRatio: +(modify.ldapmodifyMs / modify.casctlMs).toFixed(2) };
  log(`set-casmailbox --file: ${JSON.stringify(results.modify)}`);

  // Filtered read: the same mailboxes (half), the attributes casctl reads, to a file.
  for (const format of ['json', 'csv']) {
    const casctl: number[] = [];
    const reference: number[] = [];
    const casctlOut = join(dir, `read.${format}`);
    const referenceOut = join(dir, 'read.ldif');
    const readArgs = ['get-casmailbox', '-Filter', POP_FILTER, '-ResultSize', 'Unlimited', '-o', format];
    for (let run = 0; run < RUNS; run++) {
      for (const side of run % 2 === 0 ? ['casctl', 'ldapsearch'] : ['ldapsearch', 'casctl']) {
        if (side === 'casctl') {
          casctl.push(await must(process.execPath, casctlArgs(slapd, readArgs), env, casctlOut));
        } else {
          reference.push(await must('ldapsearch', [...bind, '-LLL', '-E', 'pr=1000/noprompt', '-b', SUFFIX, POP_OFF_FILTER, ...READ_ATTRIBUTES], {}, referenceOut));
        }
      }
    }
    if (PROFILE_DIR !== undefined) await must(process.execPath, casctlArgs(slapd, readArgs, `read-${format}`), env);
    const entries = readFileSync(referenceOut, 'utf8').split('\n').filter((line) => line.startsWith('dn: ')).length;
    const rows = format === 'json' ? (JSON.parse(readFileSync(casctlOut, 'utf8')) as unknown[]).length : readFileSync(casctlOut, 'utf8').trimEnd().split('\n').length - 1;
    const read = { format, entries, casctlRows: rows, sameCount: entries === rows, casctlBytes: statSync(casctlOut).size, casctlMs: median(casctl), ldapsearchMs: median(reference), casctlRuns: casctl, referenceRuns: reference };
    results[`read-${format}`] = { ...read, ratio: +(read.casctlMs / read.ldapsearchMs).toFixed(2) };
    log(`get-casmailbox -o ${format}: ${JSON.stringify(results[`read-${format}`])}`);
  }
} finally {
  await client.unbind().catch(() => undefined);
  await slapd.stop();
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
