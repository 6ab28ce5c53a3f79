import { ServiceError } from '../core/errors.js';
import { planRefresh, type RefreshTarget } from './refresh-plan.js';
import { failureMessage, type CommandResult, type CommandRunner } from './run-command.js';
import { runRefresh, type RefreshProgress, type RefreshResult } from './run-refresh.js';
import { byConfiguration, howToConfigure, type MailServer, type ServicesByConfiguration, type ServiceSetup } from './service-config.js';
import { markName, recordMarks, type PendingLogin, type PendingSince, type ServiceLedger } from './service-ledger.js';
import { SERVICES, type Service } from './services.js';

/** Stopped: its status command failed. NotConfigured: the configuration gives no commands for it, so none is run. */
export type ServiceStatus = 'Running' | 'Stopped' | 'NotConfigured';

export interface ServiceReport {
  service: Service;
  /** The mail server it runs on, by its configured name; null for the single-server form. */
  server: string | null;
  status: ServiceStatus;
  /** Why it is not Running: the status command's own words, or how to configure it. */
  statusMessage: string | null;
  /** Settings of its protocol changed since it last refreshed or restarted on this server. */
  pending: PendingLogin[];
  refreshedAt: string | null;
}

/** What a refresh did on one mail server. */
export interface ServerRefresh {
  server: string | null;
  result: RefreshResult;
}

interface StatusAnswer {
  status: ServiceStatus;
  message: string | null;
}

/** What restarting services runs: each distinct restart command once, and every service those commands restart. */
export interface RestartPlan {
  commands: string[][];
  restarted: Service[];
}

const key = (argv: readonly string[]): string => JSON.stringify(argv);

/** How messages name a server: nothing for the single-server form. */
const onServer = (server: MailServer): string => (server.name === null ? '' : ` on ${server.name}`);

/**
 * Restarting a service restarts every other service with the same restart command (one `doveadm
 * reload` restarts all four). Services that are not configured have no restart command: left out.
 */
export function planRestart(setup: ServiceSetup, server: MailServer, services: readonly Service[]): RestartPlan {
  const commands = new Map(byConfiguration(setup, server, services).configured.map(({ commands: c }) => [key(c.restart), c.restart]));
  const restarted = byConfiguration(setup, server, SERVICES).configured.filter((c) => commands.has(key(c.commands.restart)));
  return { commands: [...commands.values()], restarted: restarted.map((c) => c.service) };
}

/**
 * Status, restart and refresh of the protocol services on every mail server, and the bookkeeping
 * of which changes each service has made effective on each server, in the ledger it is given.
 * Every command goes through the runner it is given; commands shared by several services (one
 * Dovecot serves all four) run once per server and call.
 */
export class ServiceControl {
  constructor(
    private readonly setup: ServiceSetup,
    private readonly ledger: ServiceLedger,
    private readonly now: () => Date,
    private readonly run: CommandRunner,
  ) {}

  /** The services every server runs commands for, and those some server leaves out (how to configure them there). */
  configuration(services: readonly Service[]): ServicesByConfiguration {
    const result: ServicesByConfiguration = { configured: [], unconfigured: [] };
    for (const service of services) {
      const missing = this.setup.servers.map((server) => byConfiguration(this.setup, server, [service]).unconfigured[0]).find((u) => u !== undefined);
      if (missing !== undefined) result.unconfigured.push(missing);
      else result.configured.push(...byConfiguration(this.setup, this.setup.servers[0] as MailServer, [service]).configured);
    }
    return result;
  }

  /** The configured mail servers' names; none for the single-server form. */
  serverNames(): string[] {
    return this.setup.servers.flatMap((s) => (s.name === null ? [] : [s.name]));
  }

  private exec(argv: readonly string[]): Promise<CommandResult> {
    return this.run(argv, this.setup.timeoutMs);
  }

  /** Each service on each server: its status, and what changed since it last refreshed there. */
  async report(services: readonly Service[]): Promise<ServiceReport[]> {
    const states = await this.ledger.serviceStates();
    const statuses = new Map<string, Promise<StatusAnswer>>();
    const statusOf = (server: MailServer, service: Service): Promise<StatusAnswer> => {
      const argv = server.commands.get(service.Name)?.status;
      if (argv === undefined) return Promise.resolve({ status: 'NotConfigured', message: howToConfigure(this.setup, service, server) });
      let answer = statuses.get(key(argv));
      if (answer === undefined) {
        answer = this.exec(argv).then(
          (r) => (r.exitCode === 0 ? { status: 'Running', message: null } : { status: 'Stopped', message: failureMessage(argv, r) }),
          (error: unknown) => ({ status: 'Stopped', message: (error as Error).message }),
        );
        statuses.set(key(argv), answer);
      }
      return answer;
    };
    const pendingSince = new Map<number, Promise<PendingSince>>();
    const reports: ServiceReport[] = [];
    for (const server of this.setup.servers) {
      for (const service of services) {
        const answer = statusOf(server, service);
        const state = states.get(markName(service.Name, server.name));
        // Services refreshed together share a mark: read each mark's pending changes once.
        const mark = state?.refreshedThrough ?? 0;
        if (!pendingSince.has(mark)) pendingSince.set(mark, this.ledger.pendingChanges(mark));
        const pending = await (pendingSince.get(mark) as Promise<PendingSince>);
        const { status, message } = await answer;
        reports.push({
          service,
          server: server.name,
          status,
          statusMessage: message,
          pending: pending.settings.filter((s) => s.property === service.protocol.property),
          refreshedAt: state?.refreshedAt ?? null,
        });
      }
    }
    return reports;
  }

  /** Fails, changing nothing, unless every configured service answers its status command on every server: checked before a change is applied. */
  async ensureRunning(services: readonly Service[]): Promise<void> {
    for (const server of this.setup.servers) {
      for (const { service, commands } of byConfiguration(this.setup, server, services).configured) {
        const argv = commands.status;
        const result = await this.exec(argv);
        if (result.exitCode !== 0) throw new ServiceError(`${service.Name}${onServer(server)} is not running: ${failureMessage(argv, result)}`);
      }
    }
  }

  /**
   * Restarts the configured services, and every other service the same command restarts, on
   * every server (each once its replica has caught up): all of them are marked refreshed there and returned.
   */
  async restart(services: readonly Service[]): Promise<Service[]> {
    // A restart makes every change so far effective; only the newest change id is needed.
    const through = (await this.ledger.pendingChanges(Number.MAX_SAFE_INTEGER)).throughChangeId;
    const restarted = new Set<Service>();
    for (const server of this.setup.servers) {
      const plan = planRestart(this.setup, server, services);
      await this.awaitReplica(server);
      for (const argv of plan.commands) {
        const result = await this.exec(argv);
        if (result.exitCode !== 0) throw new ServiceError(`${failureMessage(argv, result)}${server.name === null ? '' : ` (on ${server.name})`}`);
      }
      await recordMarks(this.ledger, plan.restarted.map((s) => ({ service: markName(s.Name, server.name), throughChangeId: through })), this.now());
      for (const service of plan.restarted) restarted.add(service);
    }
    return SERVICES.filter((s) => restarted.has(s));
  }

  /**
   * Makes pending changes effective without a restart (src/services/refresh-plan.ts), on every
   * server from its own marks, each once its replica has the changes. A server is marked
   * refreshed only when every step there worked; one that fails stays pending, the others go on,
   * and the failures are reported together at the end.
   */
  async refresh(services: readonly Service[], progress?: RefreshProgress): Promise<ServerRefresh[]> {
    const states = await this.ledger.serviceStates();
    const pendingByMark = new Map<number, PendingSince>();
    const done: ServerRefresh[] = [];
    const failures: string[] = [];
    for (const server of this.setup.servers) {
      const targets: RefreshTarget[] = [];
      for (const { service, commands } of byConfiguration(this.setup, server, services).configured) {
        const mark = states.get(markName(service.Name, server.name))?.refreshedThrough ?? 0;
        let pending = pendingByMark.get(mark);
        if (pending === undefined) {
          pending = await this.ledger.pendingChanges(mark);
          pendingByMark.set(mark, pending);
        }
        targets.push({ service, commands, pending });
      }
      const plan = planRefresh(targets, this.setup.webmailNetworks);
      try {
        if (plan.mailboxes > 0) await this.awaitReplica(server);
        const result = await runRefresh(plan, { run: this.run, timeoutMs: this.setup.timeoutMs }, progress);
        await recordMarks(this.ledger, plan.marks.map((m) => ({ ...m, service: markName(m.service, server.name) })), this.now());
        done.push({ server: server.name, result });
      } catch (error) {
        if (!(error instanceof ServiceError) || this.setup.servers.length === 1) throw error;
        failures.push(`${server.name ?? ''}: ${error.message}`);
      }
    }
    if (failures.length > 0) {
      const names = services.map((s) => s.Name).join(' ');
      throw new ServiceError(`The refresh failed on ${failures.length} of ${this.setup.servers.length} mail servers (the others are refreshed):\n${failures.join('\n')}\nRun 'casctl refresh-service ${names}' again once they answer.`);
    }
    return done;
  }

  /** Before a server's caches go, its replica must hold the changes, or the next login caches the old answer again. */
  private async awaitReplica(server: MailServer): Promise<void> {
    if (server.replica === null) return;
    if (this.ledger.awaitReplica === undefined) {
      throw new ServiceError(`The mail server ${server.name ?? ''} names a replica (${server.replica}), but this store has none to wait for: remove "replica" from its entry.`);
    }
    try {
      await this.ledger.awaitReplica(server.replica, this.setup.replicaWaitMs);
    } catch (error) {
      throw new ServiceError(`${(error as Error).message}\nNothing was flushed${onServer(server)}: its changes stay pending there.`);
    }
  }
}
