// casctl on an iRedMail database through the iredmail profile (issue 17), on a real PostgreSQL and
// MariaDB started by the test harness: a bulk set-casmailbox --file of BENCH_SQL_MAILBOXES lines
// (default 100,000) and a filtered audit (get-casmailbox -Filter 'PopEnabled -eq $false'
// -ResultSize Unlimited -o json, half of them matching), each against a bare-client reference doing
// the same SQL (reference/sql-set.js, reference/sql-audit.js). Run by bench/run.js when BENCH_ONLY
// names postgres or mariadb; prints one JSON document on stdout, progress on stderr.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { casctl, tempDir } from '../test/helpers/cli.js';
import { seedIredmailSql, type Engine, type Exec } from '../test/helpers/iredmail-sql.js';
import { startMariaDb } from '../test/helpers/mariadb.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { runOnce, stats } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAILBOXES = Number(process.env.BENCH_SQL_MAILBOXES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ENGINES = (process.env.BENCH_ONLY ?? 'postgres,mariadb').split(',').map((s) => s.trim()).filter((s): s is Engine => s === 'postgres' || s === 'mariadb');
const DOMAINS = 10;
const log = (text: string): void => void process.stderr.write(`[sql-mapped] ${text}\n`);
const address = (i: number): string => `user${i}@d${i % DOMAINS}.bench.example`;

interface Server {
  url: string;
  env: NodeJS.ProcessEnv;
  connection: string;
  exec: Exec;
  stop(): Promise<void>;
}

async function server(engine: Engine): Promise<Server> {
  if (engine === 'postgres') {
    const pg = await startPostgres();
    const url = await pg.createDatabase();
    const database = new URL(url).pathname.slice(1);
    const client = await pg.client(database, 'casctl');
    return {
      url, env: pg.env(), connection: JSON.stringify({ engine, host: '127.0.0.1', port: pg.port, user: 'casctl', database }),
      exec: async (sql, values = []) => (await client.query(sql, values as unknown[])).rows as Record<string, unknown>[],
      stop: async () => { await client.end(); await pg.stop(); },
    };
  }
  const my = await startMariaDb();
  const url = await my.createDatabase();
  const database = new URL(url).pathname.slice(1);
  const connection = await my.connect(database, 'admin');
  return {
    url, env: my.env(), connection: JSON.stringify({ engine, host: '127.0.0.1', port: my.port, user: my.accounts.service.user, database }),
    exec: async (sql, values = []) => {
      const [rows] = await connection.query(sql, values as unknown[]);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    stop: async () => { await connection.end(); await my.stop(); },
  };
}

/** The fixture's tables (and its few users), then MAILBOXES more, one alias each, every other one without POP3. */
async function seed(engine: Engine, exec: Exec): Promise<void> {
  await seedIredmailSql(engine, exec);
  const q = (name: string): string => (engine === 'mariadb' ? `\`${name}\`` : `"${name}"`);
  for (let d = 0; d < DOMAINS; d++) await exec(`INSERT INTO ${q('domain')} (domain, transport, active) VALUES ('d${d}.bench.example', 'dovecot', 1)`);
  const BATCH = 1000;
  for (let start = 0; start < MAILBOXES; start += BATCH) {
    const mailboxes: string[] = [];
    const aliases: string[] = [];
    for (let i = start; i < Math.min(start + BATCH, MAILBOXES); i++) {
      const pop = i % 2;
      mailboxes.push(`('${address(i)}', '{PLAIN}x', 'User ${i}', 'd${i % DOMAINS}.bench.example', 'user${i}', ${pop}, ${pop}, ${pop}, '2024-01-01 00:00:00', '2024-01-01 00:00:00')`);
      aliases.push(`('alias${i}@d${i % DOMAINS}.bench.example', '${address(i)}', 'd${i % DOMAINS}.bench.example', 'd${i % DOMAINS}.bench.example', 1, 1)`);
    }
    await exec(`INSERT INTO mailbox (username, password, name, domain, local_part, enablepop3, enablepop3secured, enablepop3tls, created, modified) VALUES ${mailboxes.join(', ')}`);
    await exec(`INSERT INTO forwardings (address, forwarding, domain, dest_domain, is_alias, active) VALUES ${aliases.join(', ')}`);
  }
  await exec(engine === 'postgres' ? 'ANALYZE' : 'ANALYZE TABLE mailbox, forwardings, domain');
}

async function timed(args: string[], env: NodeJS.ProcessEnv, scratch: string, stdout = '/dev/null'): Promise<number> {
  const result = await runOnce(process.execPath, args, { cwd: ROOT, env, stdout, stderr: join(scratch, 'stderr.txt'), scratch });
  if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${String(result.code)}`);
  return result.ms;
}

const results: Record<string, unknown>[] = [];
for (const engine of ENGINES) {
  log(`${engine}: ${MAILBOXES.toLocaleString('en-US')} mailboxes`);
  const s = await server(engine);
  try {
    await seed(engine, s.exec);
    const env = { ...process.env, ...s.env, CASCTL_STORE: s.url, NO_COLOR: '1' };
    delete env.CASCTL_CONFIG;
    const init = await casctl(['init', '--profile', 'iredmail'], { env });
    if (init.code !== 0) throw new Error(init.stderr);
    const dir = tempDir();
    const ids = join(dir, 'ids.txt');
    writeFileSync(ids, `\ufeff${Array.from({ length: MAILBOXES }, (_, i) => address(i)).join('\r\n')}\r\n`);
    const bin = join(ROOT, 'bin', 'casctl.js');
    const audit = { casctl: [] as number[], reference: [] as number[] };
    const set = { casctl: [] as number[], reference: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      audit.casctl.push(await timed([bin, 'get-casmailbox', '-Filter', 'PopEnabled -eq $false', '-ResultSize', 'Unlimited', '-o', 'json'], env, dir));
      audit.reference.push(await timed([join(ROOT, 'bench', 'reference', 'sql-audit.js'), s.connection], env, dir));
    }
    // Each run changes every mailbox: POP3 on for all first (untimed), then casctl turns it off, the reference back on, and so on.
    await timed([join(ROOT, 'bench', 'reference', 'sql-set.js'), s.connection, ids, 'true'], env, dir);
    for (let run = 0; run < RUNS; run++) {
      // BENCH_CPU_PROF=1: the first casctl run under --cpu-prof (bench/profile-summary.js reads it).
      const profiled = process.env.BENCH_CPU_PROF === '1' && run === 0 ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'profiles')}`] : [];
      if (profiled.length > 0) log(`  CPU profile of the first set: ${join(dir, 'profiles')}`);
      set.casctl.push(await timed([...profiled, bin, 'set-casmailbox', '--file', ids, '--pop-enabled', 'false', '--yes'], env, dir));
      set.reference.push(await timed([join(ROOT, 'bench', 'reference', 'sql-set.js'), s.connection, ids, 'true'], env, dir));
    }
    for (const [name, sides] of [['bulk set --file', set], ['filtered audit -o json', audit]] as const) {
      const c = stats(sides.casctl)?.median ?? 0;
      const r = stats(sides.reference)?.median ?? 0;
      results.push({ engine, case: name, mailboxes: MAILBOXES, casctlMs: c, referenceMs: r, ratio: r === 0 ? null : c / r, runs: sides });
      log(`  ${engine} ${name}: casctl ${(c / 1000).toFixed(2)} s, reference ${(r / 1000).toFixed(2)} s, ${(c / r).toFixed(2)}×`);
    }
  } finally {
    await s.stop();
  }
}
process.stdout.write(`${JSON.stringify({ mailboxes: MAILBOXES, results })}\n`);
