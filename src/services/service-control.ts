import { ServiceError } from '../core/errors.js';
import { planRefresh, type RefreshTarget } from './refresh-plan.js';
import { failureMessage, type CommandResult, type CommandRunner } from './run-command.js';
import { runRefresh, type RefreshProgress, type RefreshResult } from './run-refresh.js';
import { byConfiguration, howToConfigure, type ServicesByConfiguration, type ServiceSetup } from './service-config.js';
import { recordMarks, type PendingLogin, type PendingSince, type ServiceLedger } from './service-ledger.js';
import { SERVICES, type Service } from './services.js';

/** Stopped: its status command failed. NotConfigured: the configuration gives no commands for it, so none is run. */
export type ServiceStatus = 'Running' | 'Stopped' | 'NotConfigured';

export interface ServiceReport {
  service: Service;
  status: ServiceStatus;
  /** Why it is not Running: the status command's own words, or how to configure it. */
  statusMessage: string | null;
  /** Settings of its protocol changed since it last refreshed or restarted. */
  pending: PendingLogin[];
  refreshedAt: string | null;
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

/**
 * Restarting a service restarts every other service with the same restart command (one `doveadm
 * reload` restarts all four). Services that are not configured have no restart command: left out.
 */
export function planRestart(setup: ServiceSetup, services: readonly Service[]): RestartPlan {
  const commands = new Map(byConfiguration(setup, services).configured.map(({ commands: c }) => [key(c.restart), c.restart]));
  const restarted = byConfiguration(setup, SERVICES).configured.filter((c) => commands.has(key(c.commands.restart)));
  return { commands: [...commands.values()], restarted: restarted.map((c) => c.service) };
}

/**
 * Status, restart and refresh of the protocol services, and the bookkeeping of which changes
 * each has made effective, in the ledger it is given. Every command goes through the runner it
 * is given; commands shared by several services (one Dovecot serves all four) run once per call.
 */
export class ServiceControl {
  constructor(
    private readonly setup: ServiceSetup,
    private readonly ledger: ServiceLedger,
    private readonly now: () => Date,
    private readonly run: CommandRunner,
  ) {}

  /** The services this setup runs commands for, and those it leaves out. */
  configuration(services: readonly Service[]): ServicesByConfiguration {
    return byConfiguration(this.setup, services);
  }

  private exec(argv: readonly string[]): Promise<CommandResult> {
    return this.run(argv, this.setup.timeoutMs);
  }

  async report(services: readonly Service[]): Promise<ServiceReport[]> {
    const states = await this.ledger.serviceStates();
    const statuses = new Map<string, Promise<StatusAnswer>>();
    const statusOf = (service: Service): Promise<StatusAnswer> => {
      const argv = this.setup.commands.get(service.Name)?.status;
      if (argv === undefined) return Promise.resolve({ status: 'NotConfigured', message: howToConfigure(this.setup, service) });
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
    for (const service of services) {
      const answer = statusOf(service);
      const state = states.get(service.Name);
      // Services refreshed together share a mark: read each mark's pending changes once.
      const mark = state?.refreshedThrough ?? 0;
      if (!pendingSince.has(mark)) pendingSince.set(mark, this.ledger.pendingChanges(mark));
      const pending = await (pendingSince.get(mark) as Promise<PendingSince>);
      const { status, message } = await answer;
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

  /** Fails, changing nothing, unless every configured service answers its status command: checked before a change is applied. */
  async ensureRunning(services: readonly Service[]): Promise<void> {
    for (const { service, commands } of byConfiguration(this.setup, services).configured) {
      const argv = commands.status;
      const result = await this.exec(argv);
      if (result.exitCode !== 0) throw new ServiceError(`${service.Name} is not running: ${failureMessage(argv, result)}`);
    }
  }

  /** Restarts the configured services and every other service the same command restarts: all of them are marked refreshed and returned. */
  async restart(services: readonly Service[]): Promise<Service[]> {
    const { commands, restarted } = planRestart(this.setup, services);
    // A restart makes every change so far effective; only the newest change id is needed.
    const through = (await this.ledger.pendingChanges(Number.MAX_SAFE_INTEGER)).throughChangeId;
    for (const argv of commands) {
      const result = await this.exec(argv);
      if (result.exitCode !== 0) throw new ServiceError(failureMessage(argv, result));
    }
    await recordMarks(this.ledger, restarted.map((s) => ({ service: s.Name, throughChangeId: through })), this.now());
    return restarted;
  }

  /**
   * Makes pending changes effective without a restart (src/services/refresh-plan.ts). Nothing is
   * marked refreshed unless every step worked: on failure the services stay pending, as do the
   * services that are not configured (nothing can reach them).
   */
  async refresh(services: readonly Service[], progress?: RefreshProgress): Promise<RefreshResult> {
    const states = await this.ledger.serviceStates();
    const pendingByMark = new Map<number, PendingSince>();
    const targets: RefreshTarget[] = [];
    for (const { service, commands } of byConfiguration(this.setup, services).configured) {
      const mark = states.get(service.Name)?.refreshedThrough ?? 0;
      let pending = pendingByMark.get(mark);
      if (pending === undefined) {
        pending = await this.ledger.pendingChanges(mark);
        pendingByMark.set(mark, pending);
      }
      targets.push({ service, commands, pending });
    }
    const plan = planRefresh(targets, this.setup.webmailNetworks);
    const result = await runRefresh(plan, { run: this.run, timeoutMs: this.setup.timeoutMs }, progress);
    await recordMarks(this.ledger, plan.marks, this.now());
    return result;
  }
}
