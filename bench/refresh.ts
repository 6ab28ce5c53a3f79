// Refresh at scale against real Dovecots (2.3, and 2.4 where the Debian 13 root is built): how long
// `casctl refresh-service` and `set-casmailbox --restart` take for 500, 10,000 and 100,000 pending
// mailboxes, with a warm auth cache and open sessions. Run by bench/run.js (BENCH_ONLY=refresh for
// this alone); prints one JSON document on stdout, progress on stderr. Uses the test harness to
// start Dovecot, so it runs through tsx.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authenticate } from '../test/helpers/auth-client.js';
import { casctl, tempDir } from '../test/helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotAvailable, startDovecot } from '../test/helpers/dovecot.js';
import { openImapSession, openPop3Session, type MailSession } from '../test/helpers/mail-login.js';

const MAILBOXES = Number(process.env.BENCH_REFRESH_MAILBOXES ?? 100_000);
const WARM = Math.min(10_000, MAILBOXES);
const SESSIONS = 25;
const PASSWORD = 'bench-Pa55';
const address = (i: number): string => `person${i}@refresh.example`;
const log = (text: string): void => void process.stderr.write(`[refresh] ${text}\n`);

async function must(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; stderr: string }> {
  const started = Date.now();
  const result = await casctl(args, { env });
  if (result.code !== 0) throw new Error(`casctl ${args.join(' ')} failed (${result.code}): ${result.stderr.slice(-2000)}`);
  return { ms: Date.now() - started, stderr: result.stderr.trim().split('\n').slice(-2).join(' / ') };
}

const dir = tempDir();
const csv = join(dir, 'refresh.csv');
const rows = ['Name,PrimarySmtpAddress,EmailAddresses,Department,Password'];
for (let i = 0; i < MAILBOXES; i++) {
  const department = i < 500 ? 'Small' : i < 10_500 ? 'Medium' : 'Rest';
  rows.push(`Person ${i},${address(i)},SMTP:${address(i)};smtp:p${i}@alias.refresh.example,${department},{PLAIN}${PASSWORD}`);
}
writeFileSync(csv, `${rows.join('\n')}\n`);
const pristine = join(dir, 'pristine.db');
await must(['init', '--store', pristine]);
log(`import of ${MAILBOXES} mailboxes: ${(await must(['import', csv, '--store', pristine])).ms} ms`);

const results: Record<string, unknown>[] = [];
for (const version of DOVECOT_VERSIONS) {
  if (!dovecotAvailable(version)) {
    log(`Dovecot ${version} is not here: skipped`);
    continue;
  }
  const store = join(dir, `store-${version}.db`);
  spawnSync('cp', [pristine, store]);
  await must(['get-dovecotconfig', '--write', join(dir, `dovecot-${version}`), '--store', store, '--dovecot-version', version]);
  const dovecot = await startDovecot({ version, authInclude: join(dir, `dovecot-${version}`, 'casctl-auth.conf') });
  const config = join(dir, `casctl-${version}.json`);
  writeFileSync(config, JSON.stringify({ store, services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
  const env = { CASCTL_CONFIG: config };
  try {
    const warm = Array.from({ length: WARM }, (_, i) => ({ user: address(i), password: PASSWORD, service: 'imap' }));
    await authenticate(join(dovecot.base, 'run', 'auth-client'), [...warm, ...warm.map((r) => ({ ...r, service: 'pop3' }))], { inFlight: version === '2.3' ? 1000 : 24 });
    const sessions: MailSession[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      sessions.push(await openImapSession(dovecot.imapPort, address(i * 7), PASSWORD));
      sessions.push(await openPop3Session(dovecot.pop3Port, address(i * 7), PASSWORD));
    }
    await must(['refresh-service'], env);
    const cases: [string, string[], string[]][] = [
      ['500 by name (1,000 logins in flush batches)', ['set-casmailbox', '--filter', "Department -eq 'Small'", '--imap-enabled', 'false', '--yes'], ['refresh-service']],
      ['10,000 (full flush)', ['set-casmailbox', '--filter', "Department -eq 'Medium'", '--imap-enabled', 'false', '--yes'], ['refresh-service']],
      [`${MAILBOXES.toLocaleString('en-US')} (full flush)`, ['set-casmailbox', '--filter', 'PopEnabled -eq $true', '--pop-enabled', 'false', '--yes'], ['refresh-service']],
    ];
    for (const [label, change, refresh] of cases) {
      await must(change, env);
      const done = await must(refresh, env);
      results.push({ version, case: `refresh-service, ${label}`, ms: done.ms, said: done.stderr });
      log(`Dovecot ${version}: refresh-service, ${label}: ${done.ms} ms (${done.stderr})`);
    }
    const restart = await must(['set-casmailbox', '--filter', 'PopEnabled -eq $false', '--pop-enabled', 'true', '--yes', '--restart'], env);
    results.push({ version, case: `set-casmailbox --restart, ${MAILBOXES.toLocaleString('en-US')} mailboxes, in all`, ms: restart.ms, said: restart.stderr });
    log(`Dovecot ${version}: set-casmailbox --restart over ${MAILBOXES}: ${restart.ms} ms (${restart.stderr})`);
    for (const session of sessions) await session.close();
  } finally {
    await dovecot.stop();
  }
}
process.stdout.write(`${JSON.stringify({ mailboxes: MAILBOXES, warmCache: WARM, openSessions: SESSIONS * 2, results }, null, 2)}\n`);
