// `npm run bench`: casctl at a million mailboxes, as whole processes, against references that do
// the same work directly with better-sqlite3 (bench/reference/) or against a bare `node -e ''`.
// Prints a table and writes bench/out/results-<timestamp>.json. Asserts nothing; not part of
// `npm test`. See bench/README.md for what is measured, how, and the knobs (BENCH_* variables).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changeFingerprint, differences, storeFingerprint } from './checks.js';
import { addressOf, FILTER_DEPARTMENT, generate } from './generate.js';
import { generatePasswords } from './passwords.js';
import { RSS_METHOD, runOnce, stats, tail } from './measure.js';
import { formatTable, markdownTable, writeResults } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = join(ROOT, 'bench');
const CASCTL = join(ROOT, 'bin', 'casctl.js');
const NODE = process.execPath;

const int = (name, fallback) => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not '${text}'`);
  return value;
};
const config = {
  mailboxes: int('BENCH_MAILBOXES', 1_000_000),
  small: int('BENCH_SMALL', 10_000),
  coldRuns: int('BENCH_COLD_RUNS', 10),
  runs: int('BENCH_RUNS', 3),
  importRuns: int('BENCH_IMPORT_RUNS', int('BENCH_RUNS', 3)),
  smallRuns: int('BENCH_SMALL_RUNS', 5),
  passwordRows: int('BENCH_PASSWORD_ROWS', 20_000),
  tableMailboxes: int('BENCH_TABLE_MAILBOXES', 50_000),
  /** Wall-clock budget of the whole run; extra runs of the heavy operations are dropped to fit it. */
  budgetSeconds: int('BENCH_BUDGET', 540),
  only: (process.env.BENCH_ONLY ?? 'cold,import,passwords,set,undo,audit,table,refresh,statistics').split(',').map((s) => s.trim()).filter(Boolean),
  keep: process.env.BENCH_KEEP === '1',
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
};
// A BENCH_DIR of the caller's is kept; a temp dir of our own is removed unless BENCH_KEEP=1.
const ownDir = !process.env.BENCH_DIR;
const dir = process.env.BENCH_DIR || mkdtempSync(join(tmpdir(), 'casctl-bench-'));
const logs = join(dir, 'logs');
mkdirSync(logs, { recursive: true });
const startedAt = new Date().toISOString();
const outDir = join(BENCH, 'out');
const profileDir = join(outDir, `profiles-${startedAt.replace(/[:.]/g, '-')}`);
const began = Date.now();

// casctl must not pick up the caller's store or config file.
const env = { ...process.env, NO_COLOR: '1' };
delete env.CASCTL_STORE;
delete env.CASCTL_CONFIG;

const log = (text) => process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** `casctl <args>` outside any timing (setup), failing loudly. */
function casctlSetup(...args) {
  const result = spawnSync(NODE, [CASCTL, ...args], { cwd: dir, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`setup 'casctl ${args.join(' ')}' failed: ${result.stderr}`);
}

function removeStore(path) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** A fresh copy of a store, flushed to disk so that write-back does not run during the timing. */
function copyStore(from, to) {
  removeStore(to);
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  fsyncSync(fd);
  closeSync(fd);
}

function freshStore(path) {
  removeStore(path);
  casctlSetup('init', '--store', path);
}

/**
 * One side of a comparison: a command, the setup before each run (outside the timing), where its
 * stdout goes. Runs are numbered so that each one's stderr is kept in logs/ for inspection.
 */
async function measureOnce(id, side, run, spec) {
  if (spec.before) spec.before(run);
  const stderr = join(logs, `${id}.${side}.${run}.stderr`);
  const result = await runOnce(spec.command ?? NODE, spec.args, { cwd: dir, env, stdin: spec.stdin, stdout: spec.stdout ?? '/dev/null', stderr, scratch: logs });
  if (result.code !== 0) result.stderrTail = tail(stderr);
  if (spec.after) spec.after(run, result);
  return result;
}

function summarise(runs) {
  return { runs, ms: stats(runs.map((r) => r.ms)), rssKb: stats(runs.map((r) => r.rssKb)) };
}

/** One extra, untimed casctl run under --cpu-prof (BENCH_CPU_PROF=1), after the measured ones. */
async function profile(id, spec) {
  if (!config.cpuProfile) return;
  mkdirSync(profileDir, { recursive: true });
  if (spec.before) spec.before('profile');
  await runOnce(NODE, ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${id}.cpuprofile`, ...spec.args], {
    cwd: dir, env, stdout: spec.stdout ?? '/dev/null', stderr: join(logs, `${id}.profile.stderr`), scratch: logs,
  });
  log(`  ${id}: CPU profile in ${join(profileDir, `${id}.cpuprofile`)}`);
}

/**
 * Rows of the table, in display order: a row is built when the figures it needs are final
 * (after the extra runs), so each entry is a function returning it.
 */
const layout = [];
const comparisons = [];

/**
 * Scheduling within BENCH_BUDGET: every comparison gets its first run (casctl and reference) when
 * its group comes; once all have had one, further runs (up to BENCH_RUNS) go round-robin, cheapest
 * first, to the comparisons whose next run still fits before the deadline. A slow casctl gets fewer runs, not a
 * bench of an hour; the JSON records runsDone against runsPlanned.
 */
const RESERVE_MS = 15_000;
const deadline = began + config.budgetSeconds * 1000;

/** One run of casctl and of its reference; odd runs casctl first, even runs the reference first. */
async function runPair(c, run) {
  const start = Date.now();
  const order = run % 2 === 1 ? ['casctl', 'reference'] : ['reference', 'casctl'];
  for (const side of order) {
    const result = await measureOnce(c.id, side, run, c[side]);
    c.sides[side].push(result);
    log(`  ${c.id} ${side} run ${run}/${c.runs}: ${fmt(result.ms)}, ${Math.round(result.rssKb / 1024)} MB${result.code === 0 ? '' : `, EXIT ${result.code}`}`);
    if (result.code !== 0 && side === 'reference') throw new Error(`reference for ${c.id} failed:\n${result.stderrTail}`);
  }
  c.pairMs.push(Date.now() - start);
}

/** casctl against its reference: the first run now, more in extraRuns(). Ratio: median over median. */
async function compare(spec) {
  const c = { ...spec, sides: { casctl: [], reference: [] }, pairMs: [] };
  comparisons.push(c);
  await runPair(c, 1);
  layout.push(() => comparisonRow(c));
  return c;
}

async function extraRuns() {
  const most = Math.max(0, ...comparisons.map((c) => c.runs));
  // Cheapest first within a round: as many comparisons as possible get a second run.
  const byCost = [...comparisons].sort((a, b) => a.pairMs[0] - b.pairMs[0]);
  for (let run = 2; run <= most; run++) {
    for (const c of byCost) {
      if (c.sides.casctl.length >= c.runs) continue;
      const estimate = Math.max(...c.pairMs);
      if (Date.now() + estimate > deadline - RESERVE_MS) {
        if (!c.budgetCut) log(`  ${c.id}: run ${run} (≈${Math.round(estimate / 1000)} s) does not fit BENCH_BUDGET; ${c.sides.casctl.length} of ${c.runs} runs`);
        c.budgetCut = true;
        continue;
      }
      await runPair(c, run);
    }
  }
  for (const c of comparisons) await profile(c.id, c.casctl);
}

function comparisonRow(c) {
  const row = {
    id: c.id, label: c.label, unit: 'ms', referenceLabel: c.referenceLabel,
    runsPlanned: c.runs,
    runsDone: c.sides.casctl.length,
    casctl: summarise(c.sides.casctl),
    reference: summarise(c.sides.reference),
    target: c.target,
  };
  const failed = c.sides.casctl.find((r) => r.code !== 0);
  if (failed) {
    row.failed = failed.code;
    log(`  ${c.id}: casctl exited ${failed.code}:\n${failed.stderrTail}`);
  }
  finish(row);
  return row;
}

function finish(row) {
  const key = row.unit === 'kb' ? 'rssKb' : 'ms';
  const a = row.casctl?.[key]?.median;
  const b = row.reference?.[key]?.median;
  row.ratio = a && b ? a / b : null;
  row.met = row.target && row.ratio !== null && !row.failed ? row.ratio <= row.target.limit : null;
}

// ---------------------------------------------------------------------------------------------

const results = {
  startedAt,
  machine: {
    host: hostname(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    betterSqlite3: JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')).version,
  },
  config: { ...config, dir },
  method: {
    wallTime: 'monotonic clock around spawn() to exit of the whole process (node + casctl or reference script)',
    peakRss: RSS_METHOD,
    stdout: 'redirected to /dev/null; stderr to a file under the temp dir',
  },
  checks: {},
};

log(`directory: ${dir}; ${config.mailboxes} mailboxes; peak RSS by ${RSS_METHOD}`);
if (existsSync('/etc/casctl/config.json')) log('warning: /etc/casctl/config.json exists; casctl reads it on every run');

// Data ------------------------------------------------------------------------------------------
let t = Date.now();
const big = generate(dir, config.mailboxes);
const small = generate(dir, config.small);
results.data = { ...big.stats, filterDepartmentName: FILTER_DEPARTMENT, smallMailboxes: config.small, generateSeconds: (Date.now() - t) / 1000 };
log(`generated ${big.csvPath} and ${big.identitiesPath} in ${fmt(Date.now() - t)}`);
const Database = (await import('better-sqlite3')).default;
{
  const memory = new Database(':memory:');
  results.machine.sqlite = memory.prepare('SELECT sqlite_version() AS v').get().v;
  memory.close();
}

const pristine = join(dir, `pristine-${config.mailboxes}.db`);
const work = join(dir, 'work.db');
const refWork = join(dir, 'reference.db');

// Import ----------------------------------------------------------------------------------------
if (config.only.includes('import')) {
  log(`import of ${config.mailboxes} rows, up to ${config.importRuns} runs each`);
  removeStore(pristine);
  const imported = join(dir, 'imported.db');
  const fingerprints = {};
  await compare({
    id: 'import',
    label: `import ${config.mailboxes.toLocaleString('en-US')} rows`,
    runs: config.importRuns,
    referenceLabel: 'better-sqlite3 script',
    target: { limit: 2, against: 'reference' },
    casctl: {
      args: [CASCTL, 'import', big.csvPath, '--store', imported],
      before: () => freshStore(imported),
      after: (run, result) => {
        if (result.code !== 0) return;
        if (run === 1) fingerprints.casctl = storeFingerprint(imported);
        // The first import becomes the store every other operation starts from.
        if (!existsSync(pristine)) renameSync(imported, pristine);
        removeStore(imported);
      },
    },
    reference: {
      args: [join(BENCH, 'reference', 'import.js'), refWork, big.csvPath],
      before: () => freshStore(refWork),
      after: (run) => {
        if (run === 1) fingerprints.reference = storeFingerprint(refWork);
        removeStore(refWork);
      },
    },
  });
  const diff = fingerprints.casctl && fingerprints.reference ? differences(fingerprints.casctl, fingerprints.reference) : ['not compared'];
  results.checks.import = { same: diff.length === 0, differences: diff, casctl: fingerprints.casctl, reference: fingerprints.reference };
  if (diff.length > 0) log(`  CHECK FAILED: casctl and the reference filled the tables differently: ${diff.join('; ')}`);
}
// Import with passwords: casctl against openssl hashing the same passwords ---------------------------
if (config.only.includes('passwords')) {
  const rows = config.passwordRows;
  const data = generatePasswords(dir, rows);
  const store = join(dir, 'passwords.db');
  log(`import of ${rows} rows with plaintext passwords against openssl passwd -6 -stdin, up to ${config.runs} runs each`);
  const check = { checked: 0, mismatches: [] };
  await compare({
    id: 'import-passwords',
    label: `import ${rows.toLocaleString('en-US')} rows with plaintext passwords`,
    runs: config.runs,
    referenceLabel: `openssl passwd -6 -stdin, the same ${rows.toLocaleString('en-US')} passwords`,
    target: { limit: 1.5, against: 'openssl' },
    casctl: {
      args: [CASCTL, 'import', data.csvPath, '--store', store],
      before: () => freshStore(store),
      after: (run, result) => {
        if (run === 1 && result.code === 0) Object.assign(check, checkPasswords(store, data.passwords));
        removeStore(store);
      },
    },
    reference: { command: 'openssl', args: ['passwd', '-6', '-stdin'], stdin: data.passwordsPath },
  });
  results.checks['import-passwords'] = { same: check.checked > 0 && check.mismatches.length === 0, ...check };
  if (!results.checks['import-passwords'].same) log(`  CHECK FAILED: stored hashes openssl does not reproduce: ${JSON.stringify(check)}`);
}

/** Outside the timing: a sample of the stored hashes, each recomputed by openssl with its salt. */
function checkPasswords(store, passwords) {
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    const mismatches = [];
    const step = Math.max(1, Math.floor(passwords.length / 25));
    let checked = 0;
    for (let i = 0; i < passwords.length; i += step) {
      const row = db.prepare('SELECT password FROM mailboxes WHERE primary_smtp_address = ?').get(`user${i}@bench.example`);
      const salt = /^\{SHA512-CRYPT\}\$6\$([^$]*)\$/.exec(row?.password ?? '')?.[1];
      const expected = salt === undefined ? null : execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: `${passwords[i]}\n`, encoding: 'utf8' }).trim();
      if (row?.password !== `{SHA512-CRYPT}${expected}`) mismatches.push(i);
      checked++;
    }
    return { checked, mismatches };
  } finally {
    db.close();
  }
}

const needsStore = ['import', 'cold', 'set', 'undo', 'audit'].some((group) => config.only.includes(group));
if (needsStore && !existsSync(pristine)) {
  // Without the import group (BENCH_ONLY), build the store with the faster reference importer.
  t = Date.now();
  freshStore(pristine);
  execFileSync(NODE, [join(BENCH, 'reference', 'import.js'), pristine, big.csvPath], { cwd: dir, env, stdio: 'ignore' });
  log(`built ${pristine} with the reference importer in ${fmt(Date.now() - t)}`);
}

// Cold starts -----------------------------------------------------------------------------------
if (config.only.includes('cold')) {
  log(`cold starts, ${config.coldRuns} runs each (after one warm-up run)`);
  const one = addressOf(Math.floor(config.mailboxes / 2));
  const variants = {
    bare: [ '-e', '' ],
    version: [CASCTL, '--version'],
    help: [CASCTL, '--help'],
    get: [CASCTL, 'get-casmailbox', one, '-o', 'json', '--store', pristine],
    'get-table': [CASCTL, 'get-casmailbox', one, '--store', pristine],
  };
  const runs = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const ids = Object.keys(variants);
  for (let run = 0; run <= config.coldRuns; run++) {
    // Rotate the order so that no variant always follows the same one.
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(k + run) % ids.length];
      const result = await runOnce(NODE, variants[id], { cwd: dir, env, stderr: join(logs, `cold-${id}.stderr`), scratch: logs });
      if (result.code !== 0) throw new Error(`cold ${id} failed: ${tail(join(logs, `cold-${id}.stderr`))}`);
      if (run > 0) runs[id].push(result);
    }
  }
  const bare = summarise(runs.bare);
  log(`  bare node: ${Math.round(bare.ms.median)} ms median`);
  const store = `${config.mailboxes.toLocaleString('en-US')} store`;
  for (const [id, label, limit] of [
    ['version', 'cold casctl --version', 1.3],
    ['help', 'cold casctl --help', 1.3],
    ['get', `cold get-casmailbox <one> -o json (${store})`, 1.5],
    ['get-table', `cold get-casmailbox <one>, a table (${store})`, 1.5],
  ]) {
    const row = { id: `cold-${id}`, label, unit: 'ms', referenceLabel: "node -e ''", casctl: summarise(runs[id]), reference: bare, target: { limit, against: 'bare node' } };
    finish(row);
    layout.push(() => row);
    log(`  ${label}: ${Math.round(row.casctl.ms.median)} ms median, ${row.ratio.toFixed(2)}× bare node`);
    await profile(`cold-${id}`, { args: variants[id] });
  }
}

// Bulk sets -------------------------------------------------------------------------------------
if (config.only.includes('set')) {
  log(`bulk sets, up to ${config.runs} runs each, each on a fresh copy of the store`);
  const check = {};
  const fingerprint = (id, side, path) => (run, result) => {
    if (run === 1 && result.code === 0) (check[id] ??= {})[side] = changeFingerprint(path);
  };
  const sets = [
    {
      id: 'set-file',
      label: `set-casmailbox --file <${config.mailboxes.toLocaleString('en-US')} lines>`,
      casctlArgs: ['--file', big.identitiesPath],
      referenceArgs: ['file', big.identitiesPath],
      target: { limit: 1.5, against: 'reference' },
    },
    {
      id: 'set-filter',
      label: `set-casmailbox --filter "Department -eq '${FILTER_DEPARTMENT}'"`,
      casctlArgs: ['--filter', `Department -eq '${FILTER_DEPARTMENT}'`],
      referenceArgs: ['department', FILTER_DEPARTMENT],
      target: null, // the issue sets no target for it; measured for the record
    },
  ];
  for (const set of sets) {
    await compare({
      id: set.id,
      label: set.label,
      runs: config.runs,
      referenceLabel: 'better-sqlite3 script',
      target: set.target,
      casctl: {
        args: [CASCTL, 'set-casmailbox', ...set.casctlArgs, '--pop-enabled', 'false', '--yes', '--store', work],
        before: () => copyStore(pristine, work),
        after: fingerprint(set.id, 'casctl', work),
      },
      reference: {
        args: [join(BENCH, 'reference', 'set.js'), refWork, ...set.referenceArgs],
        before: () => copyStore(pristine, refWork),
        after: fingerprint(set.id, 'reference', refWork),
      },
    });
    const c = check[set.id] ?? {};
    const diff = c.casctl && c.reference ? differences(c.casctl, c.reference) : ['not compared'];
    results.checks[set.id] = { same: diff.length === 0, differences: diff, ...c };
    if (diff.length > 0) log(`  CHECK FAILED: ${set.id}: ${diff.join('; ')}`);
  }
  removeStore(work);
  removeStore(refWork);
}

// Audits ----------------------------------------------------------------------------------------
// Undo and audit --fix: each against set-casmailbox making the same change on the same store --------------
if (config.only.includes('undo')) {
  const filter = `Department -eq '${FILTER_DEPARTMENT}'`;
  const changed = join(dir, 'changed.db');
  copyStore(pristine, changed);
  casctlSetup('set-casmailbox', '--filter', filter, '--pop-enabled', 'false', '--yes', '--store', changed);
  const policy = join(dir, 'fix-policy.yml');
  writeFileSync(policy, `rules:\n  - name: ${FILTER_DEPARTMENT} keeps POP3\n    filter: "${filter}"\n    expect: { PopEnabled: true }\n`);
  log(`undo and audit --fix of the ${filter} change, up to ${config.runs} runs each`);
  for (const [id, label, args] of [
    ['undo', 'undo <that change>', ['undo', '1', '--yes']],
    ['audit-fix', 'audit --fix (expect PopEnabled true there)', ['audit', policy, '--fix', '--yes']],
  ]) {
    await compare({
      id,
      label,
      runs: config.runs,
      referenceLabel: `set-casmailbox --filter "${filter}" --pop-enabled true`,
      target: { limit: 1.5, against: 'reference' },
      casctl: { args: [CASCTL, ...args, '--store', work], before: () => copyStore(changed, work) },
      reference: {
        args: [CASCTL, 'set-casmailbox', '--filter', filter, '--pop-enabled', 'true', '--yes', '--store', refWork],
        before: () => copyStore(changed, refWork),
      },
    });
  }
  // `changed` stays: the extra runs at the end copy it again. The temp dir goes at the end.
}

if (config.only.includes('audit')) {
  const filter = 'PopEnabled -eq $false';
  // The small directory: byte-for-byte equality with the reference, and the memory baseline.
  const smallStore = join(dir, `small-${config.small}.db`);
  freshStore(smallStore);
  casctlSetup('import', small.csvPath, '--store', smallStore);
  // The reference prints casctl's order, rowid or Name: whichever gives the same bytes as casctl.
  const smallRuns = {};
  let order = 'id';
  for (const format of ['json', 'csv']) {
    const mine = join(logs, `small-audit.casctl.${format}`);
    const a = await runOnce(NODE, [CASCTL, 'get-casmailbox', '--filter', filter, '-o', format, '--store', smallStore], { cwd: dir, env, stdout: mine, scratch: logs });
    let same = false;
    for (const candidate of ['id', 'name']) {
      const theirs = join(logs, `small-audit.reference.${candidate}.${format}`);
      const b = await runOnce(NODE, [join(BENCH, 'reference', 'audit.js'), smallStore, format, candidate], { cwd: dir, env, stdout: theirs, scratch: logs });
      if (a.code === 0 && b.code === 0 && readFileSync(mine).equals(readFileSync(theirs))) {
        same = true;
        order = candidate;
        break;
      }
    }
    results.checks[`audit-${format}`] = { sameOutput: same, order, rows: readFileSync(mine, 'utf8').split('\n').length };
    if (!same) log(`  CHECK FAILED: the ${format} audit of casctl (${mine}) matches the reference's in neither id nor name order`);
    smallRuns[format] = [];
    for (let run = 1; run <= config.smallRuns; run++) {
      smallRuns[format].push(
        await runOnce(NODE, [CASCTL, 'get-casmailbox', '--filter', filter, '-o', format, '--store', smallStore], { cwd: dir, env, stderr: join(logs, `small-audit-${format}.stderr`), scratch: logs }),
      );
    }
  }
  log(`audits over ${config.mailboxes} mailboxes (${big.stats.popDisabled} match), up to ${config.runs} runs each`);
  for (const format of ['json', 'csv']) {
    const c = await compare({
      id: `audit-${format}`,
      label: `get-casmailbox --filter '${filter}' -o ${format}`,
      runs: config.runs,
      referenceLabel: `better-sqlite3 script, ${order} order`,
      target: { limit: 1.5, against: 'reference' },
      casctl: { args: [CASCTL, 'get-casmailbox', '--filter', filter, '-o', format, '--store', pristine] },
      reference: { args: [join(BENCH, 'reference', 'audit.js'), pristine, format, order] },
    });
    layout.push(() => {
      const memory = {
      id: `audit-${format}-rss`,
      label: `peak RSS, ${format} audit: ${config.mailboxes.toLocaleString('en-US')} vs ${config.small.toLocaleString('en-US')} mailboxes`,
      unit: 'kb',
      referenceLabel: `casctl, ${config.small.toLocaleString('en-US')}`,
      casctl: summarise(c.sides.casctl),
      reference: summarise(smallRuns[format]),
      target: { limit: 2, against: `the ${config.small.toLocaleString('en-US')} audit` },
      };
      finish(memory);
      return memory;
    });
  }
}

// Table against csv: the same listing, the same store, -o table vs -o csv (issue 15) ------------------
if (config.only.includes('table')) {
  const rows = config.tableMailboxes;
  const data = rows === config.mailboxes ? big : generate(dir, rows);
  const store = join(dir, `table-${rows}.db`);
  freshStore(store);
  execFileSync(NODE, [join(BENCH, 'reference', 'import.js'), store, data.csvPath], { cwd: dir, env, stdio: 'ignore' });
  log(`get-casmailbox -o table vs -o csv over ${rows} mailboxes, up to ${config.runs} runs each`);
  // stdout is /dev/null, not a terminal: the table is the whole one, every row measured before the first is written.
  await compare({
    id: 'table',
    label: `get-casmailbox -o table (${rows.toLocaleString('en-US')} mailboxes)`,
    runs: config.runs,
    referenceLabel: 'get-casmailbox -o csv, same store',
    target: { limit: 2, against: '-o csv' },
    casctl: { args: [CASCTL, 'get-casmailbox', '-o', 'table', '--store', store] },
    reference: { args: [CASCTL, 'get-casmailbox', '-o', 'csv', '--store', store] },
  });
}

// Extra runs, then the report ----------------------------------------------------------------------
await extraRuns();

/**
 * A bench group that starts its own servers, run as a script of its own: its figures are the JSON
 * it prints; its progress and errors go straight to stderr. Undefined when it failed.
 */
function runGroup(script, what, extraEnv = {}) {
  const run = spawnSync(NODE, ['--import', 'tsx', join(BENCH, script)], { cwd: ROOT, env: { ...env, ...extraEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status === 0) return JSON.parse(run.stdout);
  log(`  ${what} bench failed (exit ${run.status}): its output is above`);
  return undefined;
}
// Refresh against real Dovecots (bench/refresh.ts: its own store, figures in its own table) ------------
if (config.only.includes('refresh')) {
  log('refresh at 500, 10,000 and 100,000 pending mailboxes on each Dovecot here');
  results.refresh = runGroup('refresh.ts', 'refresh', { BENCH_REFRESH_MAILBOXES: String(int('BENCH_REFRESH_MAILBOXES', 100_000)) });
}
// Mailbox statistics from Dovecot's indexes against IMAP FETCHes (bench/mailbox-statistics.ts: its own store and Dovecots) --
if (config.only.includes('statistics')) {
  log('get-mailboxstatistics for everyone against an IMAP login and FETCH RFC822.SIZE per mailbox, on each Dovecot here');
  results.statistics = runGroup('mailbox-statistics.ts', 'statistics');
}
// The OpenLDAP store against OpenLDAP's own clients (bench/ldap.ts: its own slapd, figures in its own table) --
if (config.only.includes('ldap')) {
  log('OpenLDAP: import at each BENCH_LDAP_IMPORT_SIZES, set-casmailbox --file and a filtered get-casmailbox against ldapadd, ldapmodify and ldapsearch');
  results.ldap = runGroup('ldap.ts', 'OpenLDAP', config.cpuProfile ? { BENCH_LDAP_CPU_PROF: profileDir } : {});
}
// iRedMail on PostgreSQL and MariaDB through the iredmail profile (bench/sql-mapped.ts: its own servers and data) ---
const sqlEngines = ['postgres', 'mariadb'].filter((engine) => config.only.includes(engine));
if (sqlEngines.length > 0) {
  log(`iRedMail SQL (${sqlEngines.join(', ')}): bulk set from a file and a filtered audit, against bare pg/mysql2 references`);
  results.sqlMapped = runGroup('sql-mapped.ts', 'iRedMail SQL', { BENCH_ONLY: sqlEngines.join(','), BENCH_RUNS: String(config.runs) });
}
results.rows = layout.map((row) => row());
results.finishedAt = new Date().toISOString();
results.durationSeconds = Math.round((Date.now() - began) / 1000);
results.table = formatTable(results);
results.markdown = markdownTable(results);
const path = writeResults(outDir, results);
process.stdout.write(
  `\ncasctl benchmark, ${config.mailboxes.toLocaleString('en-US')} mailboxes, ${results.machine.cores} × ${results.machine.cpu}, ` +
    `Node ${results.machine.node}, SQLite ${results.machine.sqlite}; ${results.durationSeconds} s in all\n\n${results.table}\n\n`,
);
const failedChecks = Object.entries(results.checks).filter(([, c]) => c.same === false || c.sameOutput === false);
process.stdout.write(
  failedChecks.length === 0
    ? 'Checks: casctl and the references did the same work (tables, changes, output bytes).\n'
    : `Checks FAILED: ${failedChecks.map(([k]) => k).join(', ')} (see the JSON).\n`,
);
if (results.refresh !== undefined) {
  const lines = results.refresh.results.map((r) => `  Dovecot ${r.version}  ${r.case.padEnd(58)} ${fmt(r.ms).padStart(9)}`);
  process.stdout.write(`Refresh (${results.refresh.openSessions} open sessions, ${results.refresh.warmCache.toLocaleString('en-US')} logins cached):\n${lines.join('\n')}\n`);
}
if (results.statistics !== undefined) {
  const lines = results.statistics.results.map(
    (r) =>
      `  Dovecot ${r.version}  ${r.mailboxes.toLocaleString('en-US')} mailboxes × ${r.messagesPerMailbox}: casctl ${fmt(r.casctlMedianMs).padStart(9)}  IMAP FETCH ${fmt(r.imapFetchMedianMs).padStart(9)}  ${r.ratio}× faster` +
      `  (first access, indexes built: casctl ${fmt(r.coldCasctlMs)})${r.sameAnswers ? '' : '  ANSWERS DIFFER!'}`,
  );
  process.stdout.write(`get-mailboxstatistics, everyone (IMAP baseline ${results.statistics.imapInFlight} logins at once; same counts and sizes checked):\n${lines.join('\n')}\n`);
}
if (results.sqlMapped !== undefined) {
  const lines = results.sqlMapped.results.map((r) => `  ${r.engine.padEnd(9)} ${r.case.padEnd(24)} casctl ${fmt(r.casctlMs).padStart(9)}  reference ${fmt(r.referenceMs).padStart(9)}  ${r.ratio.toFixed(2)}×`);
  process.stdout.write(`iRedMail SQL through the iredmail profile (${results.sqlMapped.mailboxes.toLocaleString('en-US')} mailboxes):\n${lines.join('\n')}\n`);
}
if (results.ldap !== undefined) process.stdout.write(`OpenLDAP (slapd on this machine, one process each):\n${ldapLines(results.ldap).join('\n')}\n`);
process.stdout.write(`Results: ${path}\n`);
if (config.keep || !ownDir) process.stdout.write(`Kept: ${dir}\n`);
else rmSync(dir, { recursive: true, force: true });

/** bench/ldap.ts's figures as table lines: casctl, the OpenLDAP client doing the same, and their ratio. */
function ldapLines(ldap) {
  const lines = ldap.imports.map(
    (i) => `  import ${i.mailboxes.toLocaleString('en-US').padStart(9)}: casctl ${fmt(i.casctlMs).padStart(9)} (${i.casctlPerSecond}/s), ldapadd ${fmt(i.ldapaddMs).padStart(9)} (${i.ldapaddPerSecond}/s), rate ${i.rateRatio}× ldapadd's`,
  );
  const m = ldap.modify;
  lines.push(`  set-casmailbox --file ${m.identities.toLocaleString('en-US')} (${m.modifies.toLocaleString('en-US')} modifies): casctl ${fmt(m.casctlMs)}, ldapmodify -c ${fmt(m.ldapmodifyMs)}, rate ${m.rateRatio}× ldapmodify's`);
  for (const format of ['json', 'csv']) {
    const r = ldap[`read-${format}`];
    lines.push(`  get-casmailbox -Filter -o ${format} (${r.entries.toLocaleString('en-US')} mailboxes${r.sameCount ? '' : `, casctl printed ${r.casctlRows}!`}): casctl ${fmt(r.casctlMs)}, ldapsearch -E pr=1000 ${fmt(r.ldapsearchMs)}, ${r.ratio}×`);
  }
  return lines;
}
