import { forEachConcurrently } from '../core/concurrency.js';
import { ServiceError } from '../core/errors.js';
import type { DirectoryStore, PendingChanges, PendingSetting } from '../store/directory-store.js';
import { flushBatches, FULL_FLUSH_ABOVE_BATCHES } from './flush-batches.js';
import { failureMessage, runCommand, showCommand, type CommandResult } from './run-command.js';
import type { ServiceCommands, ServiceSetup } from './service-config.js';
import { SERVICES, type Service } from './services.js';
import { parseWho, sessionTargets, type Session } from './sessions.js';

export type ServiceStatus = 'Running' | 'Stopped';

/** Runs one argv (src/services/run-command.ts); injected so tests can assert the commands. */
export type CommandRunner = (argv: readonly string[], timeoutMs: number) => Promise<CommandResult>;

/** Counts a long refresh's steps, for a progress bar on a terminal. */
export interface RefreshProgress {
  start(total: number): void;
  tick(count: number): void;
  stop(): void;
}

export interface ServiceReport {
  service: Service;
  status: ServiceStatus;
  /** Why it is not Running: the status command's own words. */
  statusMessage: string | null;
  /** Settings of its protocol changed since it last refreshed or restarted. */
  pending: PendingSetting[];
  refreshedAt: string | null;
}

export interface RefreshResult {
  /** Distinct mailboxes whose pending changes were made effective. */
  mailboxes: number;
  /** Login names flushed from Dovecot's cache; null when the whole cache was flushed at once. */
  flushedLogins: number | null;
  /** Open sessions ended because their protocol was disabled. */
  sessionsEnded: number;
  /** Mailboxes handed to a configured per-mailbox kick command (which ends all their sessions). */
  kickedMailboxes: number;
  /** Sessions that lost access but share a process with other users' sessions: left open. */
  sessionsLeftOpen: Session[];
  /** Login names doveadm could read as an option or a mask: never passed to it (the whole cache was flushed instead). */
  unsafeNames: string[];
}

/**
 * A name doveadm could read as an option (`-a...`) or as a mask (`*`, `?`, `%`), or that holds
 * whitespace or control characters. Import refuses such addresses, but a directory casctl did
 * not fill (LDAP) may hold anything.
 */
export function unsafeForDoveadm(name: string): boolean {
  return !/^[^\s\p{Cc}*?%-][^\s\p{Cc}*?%]*$/u.test(name);
}

/** Keyed by the command (as JSON): services that share one run it once. */
interface RefreshPlan {
  /** Per service Name: the change id it is marked refreshed through once the refresh worked. */
  through: Map<string, number>;
  flushes: Map<string, { argv: string[]; logins: Set<string> }>;
  /** Per who+kill pair: user → the Dovecot services whose sessions must end. */
  endings: Map<string, { who: string[]; kill: string[]; lost: Map<string, Set<string>> }>;
  /** A configured per-mailbox kick, where who and kill cannot run. */
  kicks: Map<string, { argv: string[]; users: Set<string> }>;
  mailboxes: Set<string>;
}

/** doveadm kick's exit code when the user had no session: nothing to end is not a failure. */
const KICK_NOTHING = 68;
/** Calls in flight at once against one Dovecot: enough to hide each call's start-up, few enough not to crowd it. */
const CONCURRENCY = 4;
/** Process ids per `kill` call: far below any argv limit. */
const KILL_BATCH = 500;
/** How long ended sessions get to disappear from `doveadm who` before they are reported as still open. */
const SESSION_END_WAIT_MS = 3000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const key = (argv: readonly string[]): string => JSON.stringify(argv);

/**
 * Status, restart and refresh of the protocol services, and the bookkeeping of which changes
 * each has made effective. Commands shared by several services (one Dovecot serves all four)
 * run once per call.
 */
export class ServiceControl {
  constructor(
    private readonly setup: ServiceSetup,
    private readonly store: DirectoryStore,
    private readonly now: () => Date,
    private readonly run: CommandRunner = runCommand,
  ) {}

  private commands(service: Service): ServiceCommands {
    return this.setup.commands.get(service.Name) as ServiceCommands;
  }

  private exec(argv: readonly string[]): Promise<CommandResult> {
    return this.run(argv, this.setup.timeoutMs);
  }

  async report(services: readonly Service[]): Promise<ServiceReport[]> {
    const states = await this.store.serviceStates();
    const statuses = new Map<string, Promise<{ status: ServiceStatus; message: string | null }>>();
    const pendingSince = new Map<number, Promise<PendingChanges>>();
    const reports: ServiceReport[] = [];
    for (const service of services) {
      const argv = this.commands(service).status;
      if (!statuses.has(key(argv))) {
        statuses.set(
          key(argv),
          this.exec(argv).then(
            (r) => (r.exitCode === 0 ? { status: 'Running', message: null } : { status: 'Stopped', message: failureMessage(argv, r) }),
            (error: unknown) => ({ status: 'Stopped', message: (error as Error).message }),
          ),
        );
      }
      const state = states.get(service.Name);
      // Services refreshed together share a mark: read each mark's pending changes once.
      const mark = state?.refreshedThrough ?? 0;
      if (!pendingSince.has(mark)) pendingSince.set(mark, this.store.pendingChanges(mark));
      const pending = await (pendingSince.get(mark) as Promise<PendingChanges>);
      const { status, message } = await (statuses.get(key(argv)) as Promise<{ status: ServiceStatus; message: string | null }>);
      reports.push({
        service,
        status,
        statusMessage: message,
        pending: pending.settings.filter((s) => s.property === service.protocol.property),
        refreshedAt: state?.refreshedAt ?? null,
      });
    }
    return reports;
  }

  /** Fails, changing nothing, unless every service answers its status command: checked before a change is applied. */
  async ensureRunning(services: readonly Service[]): Promise<void> {
    for (const service of services) {
      const argv = this.commands(service).status;
      const result = await this.exec(argv);
      if (result.exitCode !== 0) throw new ServiceError(`${service.Name} is not running: ${failureMessage(argv, result)}`);
    }
  }

  /**
   * Restarts the services, and with them every other service the same command restarts (one
   * `doveadm reload` restarts all four): all of them are marked refreshed and returned.
   */
  async restart(services: readonly Service[]): Promise<Service[]> {
    const commands = new Set(services.map((s) => key(this.commands(s).restart)));
    const restarted = SERVICES.filter((s) => commands.has(key(this.commands(s).restart)));
    // A restart makes every change so far effective; only the newest change id is needed.
    const through = (await this.store.pendingChanges(Number.MAX_SAFE_INTEGER)).throughChangeId;
    for (const argv of distinct(services.map((s) => this.commands(s).restart))) {
      const result = await this.exec(argv);
      if (result.exitCode !== 0) throw new ServiceError(failureMessage(argv, result));
    }
    await this.store.markServicesRefreshed(restarted.map((s) => s.Name), through, this.now());
    return restarted;
  }

  /**
   * Makes pending changes effective without a restart. Each service starts from its own mark:
   * the cached logins of exactly the mailboxes changed since are flushed (under every name they
   * may log in as), and the open sessions of the protocols they lost are ended, no others.
   * Nothing is marked refreshed unless every step worked: on failure the services stay pending.
   */
  async refresh(services: readonly Service[], progress?: RefreshProgress): Promise<RefreshResult> {
    const { through, flushes, endings, kicks, mailboxes } = await this.planRefresh(services);
    const result: RefreshResult = { mailboxes: mailboxes.size, flushedLogins: 0, sessionsEnded: 0, kickedMailboxes: 0, sessionsLeftOpen: [], unsafeNames: [] };
    try {
      const flushPlans = [...flushes.values()].map(({ argv, logins }) => {
        const unsafe = [...logins].filter(unsafeForDoveadm);
        result.unsafeNames.push(...unsafe);
        const batches = flushBatches([...logins]);
        // An unsafe name is flushed with everything else: the change takes effect, and doveadm never sees the name.
        return { argv, batches, full: unsafe.length > 0 || batches.length > FULL_FLUSH_ABOVE_BATCHES };
      });
      const kickCount = [...kicks.values()].reduce((n, k) => n + k.users.size, 0);
      progress?.start(flushPlans.reduce((n, p) => n + (p.full ? 1 : p.batches.length), 0) + kickCount + endings.size);
      for (const { argv, batches, full } of flushPlans) {
        if (full) {
          await this.flush(argv, []);
          result.flushedLogins = null;
          progress?.tick(1);
        } else {
          await forEachConcurrently(batches, CONCURRENCY, async (batch) => {
            await this.flush(argv, batch);
            progress?.tick(1);
          });
          if (result.flushedLogins !== null) result.flushedLogins += batches.reduce((n, b) => n + b.length, 0);
        }
      }
      for (const { who, kill, lost } of endings.values()) {
        const ended = await this.endSessions(who, kill, lost);
        result.sessionsEnded += ended.ended;
        result.sessionsLeftOpen.push(...ended.leftOpen);
        progress?.tick(1);
      }
      for (const { argv, users } of kicks.values()) {
        const unsafe = [...users].filter(unsafeForDoveadm);
        result.unsafeNames.push(...unsafe);
        await forEachConcurrently([...users].filter((user) => !unsafeForDoveadm(user)), CONCURRENCY, async (user) => {
          await this.kick(argv, user);
          progress?.tick(1);
        });
        result.kickedMailboxes += users.size - unsafe.length;
      }
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      throw new ServiceError(
        `${error.message}\nStill pending on ${services.map((s) => s.Name).join(', ')}: once Dovecot answers, run 'casctl refresh-service ${services.map((s) => s.Name).join(' ')}'.`,
      );
    } finally {
      progress?.stop();
    }
    for (const service of services) {
      await this.store.markServicesRefreshed([service.Name], through.get(service.Name) ?? 0, this.now());
    }
    return result;
  }

  /**
   * What a refresh of `services` must do, worked out before any command runs: per service the
   * change id it will be marked through, and per distinct command the login names to flush and
   * the sessions (user and Dovecot services) to end.
   */
  private async planRefresh(services: readonly Service[]): Promise<RefreshPlan> {
    const states = await this.store.serviceStates();
    const pendingByMark = new Map<number, PendingChanges>();
    const through: RefreshPlan['through'] = new Map();
    const flushes: RefreshPlan['flushes'] = new Map();
    const endings: RefreshPlan['endings'] = new Map();
    const kicks: RefreshPlan['kicks'] = new Map();
    const mailboxes: RefreshPlan['mailboxes'] = new Set();
    for (const service of services) {
      const mark = states.get(service.Name)?.refreshedThrough ?? 0;
      let pending = pendingByMark.get(mark);
      if (pending === undefined) {
        pending = await this.store.pendingChanges(mark);
        pendingByMark.set(mark, pending);
      }
      through.set(service.Name, pending.throughChangeId);
      const commands = this.commands(service);
      const relevant = pending.settings.filter((s) => s.property === service.protocol.property);
      for (const setting of relevant) mailboxes.add(setting.PrimarySmtpAddress);
      if (commands.flush !== null) {
        const flush = getOrAdd(flushes, key(commands.flush), () => ({ argv: commands.flush as string[], logins: new Set<string>() }));
        for (const setting of relevant) for (const login of setting.logins) flush.logins.add(login);
      }
      const lost = relevant.filter((s) => !s.enabled);
      if (lost.length === 0) continue;
      if (commands.who !== null && commands.kill !== null) {
        const who = commands.who;
        const kill = commands.kill;
        const ending = getOrAdd(endings, key([...who, '\0', ...kill]), () => ({ who, kill, lost: new Map<string, Set<string>>() }));
        for (const setting of lost) {
          const lostServices = getOrAdd(ending.lost, setting.PrimarySmtpAddress, () => new Set<string>());
          for (const name of service.protocol.dovecotServices) lostServices.add(name);
        }
      } else if (commands.kick !== null) {
        const kick = getOrAdd(kicks, key(commands.kick), () => ({ argv: commands.kick as string[], users: new Set<string>() }));
        for (const setting of lost) kick.users.add(setting.PrimarySmtpAddress);
      }
    }

    return { through, flushes, endings, kicks, mailboxes };
  }

  /** `doveadm auth cache flush` exits 0 even when it failed: its output says whether it worked. */
  private async flush(argv: readonly string[], users: readonly string[]): Promise<void> {
    const command = argv.flatMap((arg) => (arg === '{users}' ? users : [arg]));
    const result = await this.exec(command);
    const output = `${result.stdout}\n${result.stderr}`;
    const isDoveadm = argv.some((a) => /(^|\/)doveadm$/.test(a));
    const shown = shortened(argv, '{users}', users);
    if (result.exitCode !== 0) throw new ServiceError(`Flushing the login cache failed: ${failureMessage(argv, result, shown)}`);
    if (/\b(Error|Fatal|Panic):/.test(output) || (isDoveadm && !/cache entries flushed/.test(output))) {
      const said = output.split('\n').filter((line) => line.trim() !== '').slice(-5).join('\n  ');
      throw new ServiceError(`Flushing the login cache failed: ${shown} exited 0 but said:\n  ${said}`);
    }
  }

  /** Ends the sessions in `lost` (user → Dovecot services) by signalling their processes; returns how many really ended. */
  private async endSessions(who: string[], kill: string[], lost: Map<string, Set<string>>): Promise<{ ended: number; leftOpen: Session[] }> {
    const listed = await this.who(who);
    const targets = sessionTargets(listed, lost);
    for (let i = 0; i < targets.pids.length; i += KILL_BATCH) {
      const pids = targets.pids.slice(i, i + KILL_BATCH).map(String);
      const command = kill.flatMap((arg) => (arg === '{pids}' ? pids : [arg]));
      const result = await this.exec(command);
      // A process that ended by itself meanwhile makes kill fail for that pid only: the who below counts what ended.
      if (result.exitCode !== 0 && !/no such process/i.test(result.stderr)) {
        throw new ServiceError(`Ending the sessions that lost access failed: ${failureMessage(kill, result, shortened(kill, '{pids}', pids))}`);
      }
    }
    if (targets.pids.length === 0) return { ended: 0, leftOpen: targets.shared };
    const signalled = new Set(targets.pids);
    let remaining: Session[] = [];
    const deadline = Date.now() + SESSION_END_WAIT_MS;
    do {
      remaining = (await this.who(who)).filter((s) => signalled.has(s.pid) && lost.get(s.user)?.has(s.service) === true);
      if (remaining.length === 0) break;
      await sleep(100);
    } while (Date.now() < deadline);
    return { ended: targets.sessions - remaining.length, leftOpen: [...targets.shared, ...remaining] };
  }

  private async who(argv: readonly string[]): Promise<Session[]> {
    const result = await this.exec(argv);
    if (result.exitCode !== 0) throw new ServiceError(`Listing the open sessions failed: ${failureMessage(argv, result)}`);
    try {
      return parseWho(result.stdout);
    } catch (error) {
      throw new ServiceError(`Listing the open sessions failed: '${showCommand(argv)}': ${(error as Error).message}`);
    }
  }

  private async kick(argv: readonly string[], user: string): Promise<void> {
    const command = argv.map((arg) => (arg === '{user}' ? user : arg));
    const result = await this.exec(command);
    if (result.exitCode !== 0 && result.exitCode !== KICK_NOTHING) {
      throw new ServiceError(`Ending the sessions of ${user} failed: ${failureMessage(command, result)}`);
    }
  }
}

/** The command as a message shows it: a long list of names is counted, not dumped. */
function shortened(argv: readonly string[], placeholder: string, values: readonly string[]): string {
  const shown = values.length <= 3 ? values : values.slice(0, 2);
  const command = showCommand(argv.flatMap((arg) => (arg === placeholder ? shown : [arg])));
  return `'${command}'${values.length > shown.length ? ` (and ${values.length - shown.length} more)` : ''}`;
}

function getOrAdd<K, V>(map: Map<K, V>, k: K, make: () => V): V {
  let value = map.get(k);
  if (value === undefined) {
    value = make();
    map.set(k, value);
  }
  return value;
}

function distinct(commands: readonly (string[] | null)[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const argv of commands) if (argv !== null) seen.set(key(argv), argv);
  return [...seen.values()];
}
