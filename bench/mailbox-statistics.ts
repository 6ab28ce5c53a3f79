// Mailbox statistics the cheap way against the expensive one (issue 18): `casctl
// get-mailboxstatistics` for everyone (doveadm mailbox status from Dovecot's indexes) against
// bench/reference/imap-sizes.js (an IMAP login per mailbox and a FETCH of every message's
// RFC822.SIZE), on real Dovecots (2.3, and 2.4 where the Debian 13 root is built) holding
// BENCH_STATS_MAILBOXES mailboxes × BENCH_STATS_MESSAGES messages. The Maildirs are written to disk
// as Dovecot's delivery names them (`,S=…,W=…`), much faster than delivering. Dovecot builds a
// mailbox's index on its first access: the first casctl run is that cold read, timed on its own;
// the compared runs then alternate on warm indexes, as on a server whose users read their mail.
// Both answers are checked against what was written. Run by bench/run.js (BENCH_ONLY=statistics
// for this alone); prints one JSON document on stdout, progress on stderr; runs through tsx.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { storeFromCsv } from '../test/helpers/bulk-setup.js';
import { casctl, tempDir } from '../test/helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotAvailable, startDovecot } from '../test/helpers/dovecot.js';
import { message, ownLikeMailRoot, writeMaildir, type Holding } from '../test/helpers/maildir.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const int = (name: string, fallback: number): number => {
  const value = Number((process.env[name] ?? '').replace(/_/g, ''));
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const MAILBOXES = int('BENCH_STATS_MAILBOXES', 2000);
const MESSAGES = int('BENCH_STATS_MESSAGES', 200);
const RUNS = int('BENCH_STATS_RUNS', 3);
/** The baseline's connections at once: as many as casctl's doveadm calls (DOVEADM_IN_FLIGHT). */
const IMAP_IN_FLIGHT = 4;
const PASSWORD = 'bench-Stat5';
const address = (i: number): string => `person${i}@stats.example`;
/** Sizes between 600 bytes and 4.6 KB, different for every message. */
const messageBytes = (i: number, k: number): number => 600 + ((i * 7919 + k * 104_729) % 4000);
const log = (text: string): void => void process.stderr.write(`[statistics] ${text}\n`);
const dir = tempDir();

/** One whole process, stdout to a file; wall time from spawn to exit. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv, stdout: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = openSync(stdout, 'w');
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      closeSync(out);
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`));
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** How many mailboxes' answers differ from what was written (0: the same answers). */
function differences(answers: ReadonlyMap<string, Holding>, expected: ReadonlyMap<string, Holding>): number {
  let differ = Math.abs(answers.size - expected.size);
  for (const [user, holding] of expected) {
    const answer = answers.get(user);
    if (answer?.messages !== holding.messages || answer.vsize !== holding.vsize) differ++;
  }
  return differ;
}

const casctlAnswers = (file: string): Map<string, Holding> =>
  new Map(
    (JSON.parse(readFileSync(file, 'utf8')) as { PrimarySmtpAddress: string; ItemCount: number; TotalItemSize: number }[]).map((r) => [
      r.PrimarySmtpAddress,
      { messages: r.ItemCount, vsize: r.TotalItemSize },
    ]),
  );
const imapAnswers = (file: string): Map<string, Holding> =>
  new Map((JSON.parse(readFileSync(file, 'utf8')) as { user: string; messages: number; size: number }[]).map((r) => [r.user, { messages: r.messages, vsize: r.size }]));

const rows = Array.from({ length: MAILBOXES }, (_, i) => `Person ${i},${address(i)},{PLAIN}${PASSWORD}`);
const store = await storeFromCsv(dir, ['Name,PrimarySmtpAddress,Password', ...rows]);
const usersFile = join(dir, 'users.txt');
writeFileSync(usersFile, rows.map((_, i) => `${address(i)}\n`).join(''));

/**
 * Makes the Maildirs at `from` the mail root of the Dovecot in `base` (a rename: no copy), owned by
 * its vmail, without the indexes an earlier Dovecot built, so its first read is a first access.
 */
function lendMail(from: string, base: string): string {
  const root = join(base, 'mail');
  const { uid, gid } = statSync(root);
  rmSync(root, { recursive: true });
  renameSync(from, root);
  chownSync(root, uid, gid);
  const find = spawnSync('find', [root, '-name', 'dovecot*', '-delete'], { encoding: 'utf8' });
  if (find.status !== 0) throw new Error(`find -delete of the old indexes failed: ${find.stderr}`);
  ownLikeMailRoot(root);
  return root;
}

const mail = join(dir, 'mail');
let began = performance.now();
const expected = new Map<string, Holding>();
for (let i = 0; i < MAILBOXES; i++) {
  const texts = Array.from({ length: MESSAGES }, (_, k) => message(`${i}-${k}`, messageBytes(i, k)));
  expected.set(address(i), writeMaildir(join(mail, 'stats.example', `person${i}`), texts));
}
const writtenMs = Math.round(performance.now() - began);
log(`${MAILBOXES} Maildirs of ${MESSAGES} messages written in ${writtenMs} ms`);

const results: Record<string, unknown>[] = [];
for (const version of DOVECOT_VERSIONS) {
  if (!dovecotAvailable(version)) {
    log(`Dovecot ${version} is not here: skipped`);
    continue;
  }
  const written = await casctl(['get-dovecotconfig', '--write', join(dir, `dovecot-${version}`), '--store', store, '--dovecot-version', version]);
  if (written.code !== 0) throw new Error(`get-dovecotconfig failed: ${written.stderr}`);
  const dovecot = await startDovecot({ version, authInclude: join(dir, `dovecot-${version}`, 'casctl-auth.conf') });
  let lent: string | undefined;
  try {
    const config = join(dir, `casctl-${version}.json`);
    writeFileSync(config, JSON.stringify({ store, services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    const env = { CASCTL_CONFIG: config };

    lent = lendMail(mail, dovecot.base);

    const casctlOut = join(dir, `statistics-${version}.json`);
    const imapOut = join(dir, `imap-${version}.json`);
    const casctlRun = (): Promise<number> => timed(process.execPath, [join(ROOT, 'bin', 'casctl.js'), 'get-mailboxstatistics', '-o', 'json'], env, casctlOut);
    const imapRun = (): Promise<number> =>
      timed(process.execPath, [join(ROOT, 'bench', 'reference', 'imap-sizes.js'), String(dovecot.imapPort), usersFile, imapOut, String(IMAP_IN_FLIGHT)], { BENCH_IMAP_PASSWORD: PASSWORD }, '/dev/null');

    began = performance.now();
    const coldMs = await casctlRun();
    const coldDiffer = differences(casctlAnswers(casctlOut), expected);
    log(`Dovecot ${version}: cold (every index built on first access): casctl ${Math.round(coldMs)} ms, ${coldDiffer} mailboxes differ`);

    const casctlMs: number[] = [];
    const imapMs: number[] = [];
    let casctlDiffer = 0;
    let imapDiffer = 0;
    for (let run = 0; run < RUNS; run++) {
      // ABBA: neither always runs on a cache the other just warmed.
      const order = run % 2 === 0 ? (['casctl', 'imap'] as const) : (['imap', 'casctl'] as const);
      for (const which of order) {
        if (which === 'casctl') {
          casctlMs.push(await casctlRun());
          casctlDiffer = Math.max(casctlDiffer, differences(casctlAnswers(casctlOut), expected));
        } else {
          imapMs.push(await imapRun());
          imapDiffer = Math.max(imapDiffer, differences(imapAnswers(imapOut), expected));
        }
      }
      log(`Dovecot ${version}: run ${run + 1}: casctl ${Math.round(casctlMs.at(-1) as number)} ms, IMAP FETCH ${Math.round(imapMs.at(-1) as number)} ms`);
    }
    const ratio = median(imapMs) / median(casctlMs);
    results.push({
      version,
      mailboxes: MAILBOXES,
      messagesPerMailbox: MESSAGES,
      coldCasctlMs: Math.round(coldMs),
      casctlMs: casctlMs.map(Math.round),
      imapFetchMs: imapMs.map(Math.round),
      casctlMedianMs: Math.round(median(casctlMs)),
      imapFetchMedianMs: Math.round(median(imapMs)),
      ratio: Number(ratio.toFixed(1)),
      sameAnswers: coldDiffer === 0 && casctlDiffer === 0 && imapDiffer === 0,
      differ: { cold: coldDiffer, casctl: casctlDiffer, imap: imapDiffer },
    });
    log(`Dovecot ${version}: casctl ${Math.round(median(casctlMs))} ms, IMAP FETCH ${Math.round(median(imapMs))} ms: ${ratio.toFixed(1)}× faster`);
  } finally {
    // Stopping removes the Dovecot's temp dir: the mail goes back first, for the next version.
    if (lent !== undefined) renameSync(lent, mail);
    await dovecot.stop();
  }
}
process.stdout.write(`${JSON.stringify({ imapInFlight: IMAP_IN_FLIGHT, writtenMs, results }, null, 2)}\n`);
