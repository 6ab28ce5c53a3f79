/**
 * A private, real Dovecot for end-to-end tests: 2.3 from this machine's packages, or 2.4 run with
 * chroot from the Debian 13 root (test/helpers/debian13-root.ts). Standalone configuration in a
 * temp dir, 127.0.0.1 only, ports the OS hands out, no TLS, plaintext auth, the auth cache ON as
 * in production (so tests can show a change is not seen until the cache is flushed), no failure
 * delay, no anvil penalty.
 *
 *   const dovecot = await startDovecot({ version: '2.4', authInclude: '/tmp/x/casctl-auth.conf' });
 *   ... imapLogin(dovecot.imapPort, ...) ...
 *   await dovecot.stop();
 *
 * Tests skip when a Dovecot is missing only on a developer's machine: with CI set, a missing
 * Dovecot fails (startDovecot throws), so a CI run never goes green by skipping everything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { SBIN, running, stopDaemon, trackDaemon, which } from './daemon.js';
import { DEBIAN13_ROOT, besideDaemon, daemonInRoot, debian13RootReady, rootAccount } from './debian13-root.js';

export type DovecotVersion = '2.3' | '2.4';
/** Every version the end-to-end suites run against. */
export const DOVECOT_VERSIONS: readonly DovecotVersion[] = ['2.3', '2.4'];

export interface StartOptions {
  /** Default 2.3. */
  version?: DovecotVersion;
  /** Path of a casctl-auth.conf to `!include`: it defines passdb and userdb. */
  authInclude: string;
  /** Extra configuration lines appended at the end (e.g. `auth_cache_ttl = 5 s`). */
  extraConfig?: string;
  /**
   * Also serve ManageSieve (dovecot-managesieved, `protocols = imap pop3 sieve`) on a port of its
   * own, scripts below the temp dir. Off by default: without the package Dovecot does not start.
   */
  sieve?: boolean;
  /** How long to wait for both greetings; default 10 s. */
  startTimeoutMs?: number;
  /** Adds the auth socket Postfix's smtpd talks to (`smtpd_sasl_type = dovecot`); its path is then `saslPath`. */
  saslListener?: boolean;
}

export interface Dovecot {
  version: DovecotVersion;
  /** The argv prefix that runs this Dovecot's doveadm: casctl's `services.doveadm`. */
  doveadmPrefix: string[];
  /** Runs doveadm -c CONFIG ARGS. Beware: `auth cache flush` exits 0 even when it failed; see flushAuthCache. */
  doveadm(args: readonly string[]): DoveadmResult;
  /** `doveadm auth cache flush [USER...]`, checked; returns how many entries it flushed. */
  flushAuthCache(users?: readonly string[]): number;
  /** The temp dir holding everything: dovecot.conf, run/, state/, log/, mail/. */
  base: string;
  /** The generated dovecot.conf (pass it to doveadm). */
  config: string;
  imapPort: number;
  pop3Port: number;
  /** With `saslListener`: the auth socket for Postfix's `smtpd_sasl_path` (the same path seen from the host for 2.4). */
  saslPath: string | undefined;
  /** The ManageSieve port, when started with `sieve`. */
  sievePort: number | undefined;
  /** The master process. */
  pid: number;
  /** The log so far (log_path), for assertion messages. */
  log(): string;
  /** SIGTERM the master, wait until it is gone (SIGKILL after a few seconds), remove the temp dir. */
  stop(): Promise<void>;
}

export interface DoveadmResult {
  code: number;
  stdout: string;
  stderr: string;
}



/** Is this Dovecot installed: 2.3 on the machine, 2.4 in the Debian 13 root? */
export function dovecotAvailable(version: DovecotVersion = '2.3'): boolean {
  return version === '2.3' ? which('dovecot') !== undefined : debian13RootReady();
}

/**
 * For `describe(..., { skip: dovecotSkipReason(version) })`: a reason to skip when that Dovecot
 * is missing on a developer's machine; false when it is there or when CI is set (the tests then
 * run and fail loudly in startDovecot instead of skipping).
 */
export function dovecotSkipReason(version: DovecotVersion = '2.3'): string | false {
  if (dovecotAvailable(version)) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return `${missing(version)}; skipped because CI is not set`;
}

function missing(version: DovecotVersion): string {
  return version === '2.3'
    ? `Dovecot 2.3 is not installed (no 'dovecot' on PATH or in ${SBIN.join(', ')}): apt-get install dovecot-imapd dovecot-pop3d dovecot-sqlite dovecot-ldap`
    : `Dovecot 2.4 is not there: no Debian 13 root at ${DEBIAN13_ROOT} (build it with .ci/debian13-root)`;
}

/** The argv prefix that runs doveadm of a version: for 2.4, in the root as the master `pid` sees it. */
function doveadmPrefix(version: DovecotVersion, pid: number): string[] {
  return version === '2.3' ? [which('doveadm') ?? 'doveadm'] : besideDaemon(pid, ['doveadm']);
}

function runDoveadm(prefix: readonly string[], config: string, args: readonly string[]): DoveadmResult {
  const [program = 'doveadm', ...rest] = prefix;
  const result = spawnSync(program, [...rest, '-c', config, ...args], { encoding: 'utf8', timeout: 15_000 });
  if (result.error !== undefined) return { code: -1, stdout: result.stdout ?? '', stderr: `${result.error.message}\n${result.stderr ?? ''}` };
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Checked the way its exit code cannot be (it is 0 even on failure): "N cache entries flushed" and no "Error:". */
function checkedFlush(result: DoveadmResult): number {
  const output = `${result.stdout}\n${result.stderr}`;
  const match = /(\d+) cache entries flushed/.exec(output);
  if (result.code !== 0 || match === null || /Error:/.test(output)) {
    throw new Error(`doveadm auth cache flush failed (exit ${result.code}):\n${output.trim()}`);
  }
  return Number(match[1]);
}

interface Account {
  uid: number;
  gid: number;
}

/** The vmail user's ids (the root's own for 2.4); created (as root) when missing on the machine. */
function vmailAccount(version: DovecotVersion): Account {
  if (version === '2.4') return rootAccount('vmail');
  const lookup = (): Account | undefined => {
    const uid = spawnSync('id', ['-u', 'vmail'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'vmail'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = lookup();
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new Error("Dovecot's test instance needs a system user 'vmail'; create it as root: useradd -r -s /usr/sbin/nologin vmail");
  }
  const useradd = spawnSync(which('useradd') ?? 'useradd', ['-r', '-s', '/usr/sbin/nologin', 'vmail'], { encoding: 'utf8' });
  const created = lookup();
  if (created === undefined) throw new Error(`useradd -r vmail failed (exit ${useradd.status}): ${useradd.stderr}`);
  return created;
}

/** A port that was free a moment ago: the OS picks it for a socket bound to port 0, then we close it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from the OS'))));
    });
  });
}

interface Ports {
  imap: number;
  pop3: number;
  sieve: number | undefined;
}

/**
 * ManageSieve's part of the configuration: the protocol, its listener, and script storage below
 * mail/ (owned by vmail), as casctl's userdb returns no home directory the default `~/sieve` needs.
 */
function sieveConfiguration(version: DovecotVersion, base: string, port: number | undefined): string {
  if (port === undefined) return '';
  const storage =
    version === '2.3'
      ? `plugin {
  sieve = file:${base}/mail/%d/%n/sieve;active=${base}/mail/%d/%n/active.sieve
}`
      : `sieve_script personal {
  driver = file
  path = ${base}/mail/%{user | domain}/%{user | username}/sieve
  active_path = ${base}/mail/%{user | domain}/%{user | username}/active.sieve
}`;
  return `
protocols = imap pop3 sieve
service managesieve-login {
  inet_listener sieve {
    ${version === '2.3' ? 'address' : 'listen'} = 127.0.0.1
    port = ${port}
  }
}
protocol sieve {
  mail_max_userip_connections = 1000
}
${storage}
`;
}

function configuration(version: DovecotVersion, base: string, authInclude: string, ports: Ports, vmail: Account, extra: string): string {
  const { imap: imapPort, pop3: pop3Port } = ports;
  // 2.3 names a listener's address `address`, 2.4 `listen`; the TLS listeners are switched off.
  const listener = (protocol: string, port: number, address: string): string => `
service ${protocol}-login {
  inet_listener ${protocol} {
    ${address} = 127.0.0.1
    port = ${port}
  }
  inet_listener ${protocol}s {
    port = 0
  }
}`;
  const listeners = (address: string): string => `${listener('imap', imapPort, address)}${listener('pop3', pop3Port, address)}`;
  const common = `instance_name = casctl-test-${process.pid}-${imapPort}
base_dir  = ${base}/run
state_dir = ${base}/state
log_path  = ${base}/log/dovecot.log

protocols = imap pop3
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
auth_verbose = yes
auth_cache_size = 10M
auth_cache_ttl = 1 hour
auth_cache_negative_ttl = 1 hour

# test-harness speedups (not for production): no 2 s failure delay, no anvil auth penalty
auth_failure_delay = 0
# the suites open and close many sessions of one user from 127.0.0.1 in quick succession; the
# default of 10 at once, counted by anvil a moment after each logout, made logins flaky
protocol imap {
  mail_max_userip_connections = 1000
}
protocol pop3 {
  mail_max_userip_connections = 1000
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

mail_uid = vmail
mail_gid = vmail
first_valid_uid = ${Math.min(vmail.uid, 500)}
first_valid_gid = ${Math.min(vmail.gid, 500)}`;
  if (version === '2.3') {
    return `# generated by test/helpers/dovecot.ts from shared/recipes/dovecot/dovecot.conf (standalone: /etc/dovecot is not read)
${common}
disable_plaintext_auth = no
mail_location = maildir:${base}/mail/%d/%n

!include ${authInclude}
${listeners('address')}
${sieveConfiguration(version, base, ports.sieve)}
${extra}
`;
  }
  return `# generated by test/helpers/dovecot.ts from shared/recipes/dovecot24/dovecot.conf (standalone: /etc/dovecot is not read)
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
${common}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = ${base}/mail/%{user | domain}/%{user | username}

!include ${authInclude}
${listeners('listen')}
${sieveConfiguration(version, base, ports.sieve)}
${extra}
`;
}

/** Connects and reads the first line; true when it starts with `prefix`. */
function greets(port: number, prefix: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let data = '';
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data.startsWith(prefix));
    });
  });
}

/**
 * The auth listener for Postfix, one syntax for both versions. A unix socket rather than TCP: no
 * second port to race for, and for 2.4 it lies in the bind-mounted temp dir, so the host's Postfix
 * reaches the chrooted auth through the same path. Mode 0666 only because this is a test (in
 * production 0660, user and group postfix): smtpd runs as postfix.
 */
const SASL_SOCKET = 'auth-postfix';
const saslListenerConfig = `
service auth {
  unix_listener ${SASL_SOCKET} {
    mode = 0666
  }
}
`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


function readPid(base: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(base, 'run', 'master.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readLog(base: string): string {
  try {
    return readFileSync(join(base, 'log', 'dovecot.log'), 'utf8');
  } catch {
    return '';
  }
}


/**
 * Runs `dovecot -c CONFIG`, which forks the master into the background and exits. Its output goes
 * to a file, not a pipe: the master inherits the descriptors, so a pipe would never close
 * (wait for 'exit', never for 'close').
 */
function spawnDovecot(program: readonly string[], config: string, base: string): Promise<{ code: number; output: string }> {
  const outputPath = join(base, 'log', 'startup.log');
  const fd = openSync(outputPath, 'w');
  return new Promise<{ code: number; output: string }>((resolve) => {
    const [file = 'dovecot', ...args] = program;
    const child = spawn(file, [...args, '-c', config], { stdio: ['ignore', fd, fd] });
    const output = (): string => {
      try {
        return readFileSync(outputPath, 'utf8');
      } catch {
        return '';
      }
    };
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('exit', (code, signal) => resolve({ code: code ?? -1, output: `${output()}${signal === null ? '' : `killed by ${signal}`}` }));
  }).finally(() => closeSync(fd));
}

/** Starts a private Dovecot; resolves when IMAP and POP3 (and ManageSieve, when asked for) greet. */
export async function startDovecot(options: StartOptions): Promise<Dovecot> {
  const version = options.version ?? '2.3';
  if (!dovecotAvailable(version)) {
    throw new Error(`${missing(version)}${process.env.CI ? ' (CI is set, so the end-to-end tests fail instead of skipping)' : ''}`);
  }
  if (!isAbsolute(options.authInclude) || !existsSync(options.authInclude)) {
    throw new Error(`authInclude must be an existing absolute path: ${options.authInclude}`);
  }
  if (version === '2.4' && !options.authInclude.startsWith(tmpdir())) {
    throw new Error(`authInclude must be under ${tmpdir()}, the one directory the Debian 13 root shares: ${options.authInclude}`);
  }
  const program = version === '2.3' ? [which('dovecot') as string] : daemonInRoot(['dovecot']);
  const vmail = vmailAccount(version);
  const timeoutMs = options.startTimeoutMs ?? 10_000;

  // The ports are free when we ask, but another process may take one before Dovecot binds it: retry.
  let lastFailure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const base = mkdtempSync(join(tmpdir(), 'casctl-dovecot-'));
    // mkdtemp makes it 0700: vmail must reach mail/, the unprivileged login processes run/.
    chmodSync(base, 0o755);
    for (const dir of ['run', 'state', 'log', 'mail']) mkdirSync(join(base, dir));
    chownSync(join(base, 'mail'), vmail.uid, vmail.gid);
    const imapPort = await freePort();
    let pop3Port = await freePort();
    while (pop3Port === imapPort) pop3Port = await freePort();
    let sievePort = options.sieve === true ? await freePort() : undefined;
    while (sievePort === imapPort || sievePort === pop3Port) sievePort = await freePort();
    const config = join(base, 'dovecot.conf');
    const extra = `${options.saslListener === true ? saslListenerConfig : ''}${options.extraConfig ?? ''}`;
    writeFileSync(config, configuration(version, base, options.authInclude, { imap: imapPort, pop3: pop3Port, sieve: sievePort }, vmail, extra));

    const started = Date.now();
    const launch = await spawnDovecot(program, config, base);
    // The background master writes master.pid a moment after the `dovecot` we ran has exited.
    let pid = readPid(base);
    while (pid === undefined && launch.code === 0 && Date.now() - started < timeoutMs) {
      await sleep(10);
      pid = readPid(base);
    }
    if (pid !== undefined) trackDaemon(base, pid);
    const master = pid;
    const fail = async (why: string): Promise<string> => {
      const log = readLog(base);
      if (master !== undefined) await stopDaemon('dovecot', master, base).catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
      return `${why}\n--- dovecot -c ${config}: exit ${launch.code}\n${launch.output.trim()}\n--- dovecot.log\n${log.trim()}`;
    };
    if (launch.code !== 0 || pid === undefined) {
      lastFailure = await fail('dovecot did not start');
      if (/in use|bind\(/i.test(lastFailure)) continue;
      throw new Error(lastFailure);
    }

    let ready = false;
    while (Date.now() - started < timeoutMs) {
      if (!running(pid)) break;
      // ManageSieve greets with its capabilities, IMPLEMENTATION first.
      const [imap, pop3, sieve] = await Promise.all([greets(imapPort, '* OK'), greets(pop3Port, '+OK'), sievePort === undefined || greets(sievePort, '"IMPLEMENTATION"')]);
      if (imap && pop3 && sieve) {
        ready = true;
        break;
      }
      await sleep(50);
    }
    if (!ready) {
      lastFailure = await fail(
        running(pid) ? `dovecot did not greet on 127.0.0.1:${[imapPort, pop3Port, sievePort].filter((p) => p !== undefined).join(', :')} within ${timeoutMs} ms` : 'dovecot exited during start-up',
      );
      if (/in use|bind\(/i.test(lastFailure)) continue;
      throw new Error(lastFailure);
    }

    let stopped: Promise<void> | undefined;
    const prefix = doveadmPrefix(version, pid);
    const doveadm = (args: readonly string[]): DoveadmResult => runDoveadm(prefix, config, args);
    return {
      version,
      doveadmPrefix: prefix,
      doveadm,
      flushAuthCache: (users = []) => checkedFlush(doveadm(['auth', 'cache', 'flush', ...users])),
      base,
      config,
      imapPort,
      pop3Port,
      // base_dir is run/; a relative unix_listener name is created there.
      saslPath: options.saslListener === true ? join(base, 'run', SASL_SOCKET) : undefined,
      sievePort,
      pid,
      log: () => readLog(base),
      stop: () => (stopped ??= stopDaemon('dovecot', pid, base)),
    };
  }
  throw new Error(`dovecot could not bind its ports after 3 attempts:\n${lastFailure}`);
}
