import { ServiceError } from '../core/errors.js';
import type { DirectoryStore, PendingChanges, PendingSetting } from '../store/directory-store.js';
import { failureMessage, runCommand } from './run-command.js';
import type { ServiceCommands, ServiceSetup } from './service-config.js';
import type { Service } from './services.js';

export type ServiceStatus = 'Running' | 'Stopped';

export interface ServiceReport {
  service: Service;
  status: ServiceStatus;
  /** Settings of its protocol changed since it last refreshed or restarted. */
  pending: PendingSetting[];
  refreshedAt: string | null;
}

/** `auth cache flush` takes this many users per call; more pending mailboxes than this flush the whole cache. */
const FLUSH_BATCH = 200;
const FLUSH_ALL_ABOVE = 5000;
/** doveadm kick's exit code when the user had no session: nothing to end is not a failure. */
const KICK_NOTHING = 68;

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
  ) {}

  private commands(service: Service): ServiceCommands {
    return this.setup.commands.get(service.Name) as ServiceCommands;
  }

  async report(services: readonly Service[]): Promise<ServiceReport[]> {
    const states = await this.store.serviceStates();
    const statuses = new Map<string, Promise<ServiceStatus>>();
    const pendingSince = new Map<number, Promise<PendingChanges>>();
    const reports: ServiceReport[] = [];
    for (const service of services) {
      const argv = this.commands(service).status;
      const key = JSON.stringify(argv);
      if (!statuses.has(key)) {
        statuses.set(key, runCommand(argv, this.setup.timeoutMs).then((r) => (r.exitCode === 0 ? 'Running' : 'Stopped')));
      }
      const state = states.get(service.Name);
      // Services refreshed together share a mark: read each mark's pending changes once.
      const mark = state?.refreshedThrough ?? 0;
      if (!pendingSince.has(mark)) pendingSince.set(mark, this.store.pendingChanges(mark));
      const pending = await (pendingSince.get(mark) as Promise<PendingChanges>);
      reports.push({
        service,
        status: await (statuses.get(key) as Promise<ServiceStatus>),
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
      const result = await runCommand(argv, this.setup.timeoutMs);
      if (result.exitCode !== 0) throw new ServiceError(`${service.Name} is not running: ${failureMessage(argv, result)}`);
    }
  }

  async restart(services: readonly Service[]): Promise<void> {
    // A restart makes every change so far effective; only the newest change id is needed.
    const through = (await this.store.pendingChanges(Number.MAX_SAFE_INTEGER)).throughChangeId;
    await this.runEach(services.map((s) => this.commands(s).restart));
    await this.store.markServicesRefreshed(services.map((s) => s.Name), through, this.now());
  }

  /**
   * Makes pending changes effective without a restart: flushes the cached logins of exactly the
   * mailboxes changed since each service last refreshed, and ends the open sessions of those that
   * lost access. Returns how many mailboxes were flushed and kicked.
   */
  async refresh(services: readonly Service[]): Promise<{ flushed: number; kicked: number }> {
    const states = await this.store.serviceStates();
    const since = Math.min(...services.map((s) => states.get(s.Name)?.refreshedThrough ?? 0));
    const pending = await this.store.pendingChanges(since);
    const properties = new Set(services.map((s) => s.protocol.property));
    const relevant = pending.settings.filter((s) => properties.has(s.property));
    const flushUsers = [...new Set(relevant.map((s) => s.PrimarySmtpAddress))];
    const kickUsers = [...new Set(relevant.filter((s) => !s.enabled).map((s) => s.PrimarySmtpAddress))];
    if (flushUsers.length > 0) {
      for (const argv of distinct(services.map((s) => this.commands(s).flush))) await this.flush(argv, flushUsers);
      for (const argv of distinct(services.map((s) => this.commands(s).kick))) {
        for (const user of kickUsers) await this.kick(argv, user);
      }
    }
    await this.store.markServicesRefreshed(services.map((s) => s.Name), pending.throughChangeId, this.now());
    return { flushed: flushUsers.length, kicked: kickUsers.length };
  }

  private async runEach(commands: readonly string[][]): Promise<void> {
    for (const argv of distinct(commands)) {
      const result = await runCommand(argv, this.setup.timeoutMs);
      if (result.exitCode !== 0) throw new ServiceError(failureMessage(argv, result));
    }
  }

  /** `doveadm auth cache flush` exits 0 even when it failed: its output says whether it worked. */
  private async flush(argv: readonly string[], users: readonly string[]): Promise<void> {
    const batches = users.length > FLUSH_ALL_ABOVE ? [[]] : chunk(users, FLUSH_BATCH);
    for (const batch of batches) {
      const command = argv.flatMap((arg) => (arg === '{users}' ? batch : [arg]));
      const result = await runCommand(command, this.setup.timeoutMs);
      const output = `${result.stdout}\n${result.stderr}`;
      const isDoveadm = /(^|\/)doveadm$/.test(command[0] ?? '');
      if (result.exitCode !== 0 || /\b(Error|Fatal|Panic):/.test(output) || (isDoveadm && !/cache entries flushed/.test(output))) {
        throw new ServiceError(`Flushing the login cache failed: ${failureMessage(command, result)}`);
      }
    }
  }

  private async kick(argv: readonly string[], user: string): Promise<void> {
    const command = argv.map((arg) => (arg === '{user}' ? user : arg));
    const result = await runCommand(command, this.setup.timeoutMs);
    if (result.exitCode !== 0 && result.exitCode !== KICK_NOTHING) {
      throw new ServiceError(`Ending the sessions of ${user} failed: ${failureMessage(command, result)}`);
    }
  }
}

function distinct(commands: readonly (string[] | null)[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const argv of commands) if (argv !== null) seen.set(JSON.stringify(argv), argv);
  return [...seen.values()];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

