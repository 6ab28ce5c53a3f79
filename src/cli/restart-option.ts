import { ServiceError } from '../core/errors.js';
import { ServiceControl } from '../services/service-control.js';
import { readServiceSetup, type ServiceSetup } from '../services/service-config.js';
import type { Service } from '../services/services.js';
import type { DirectoryStore } from '../store/directory-store.js';
import type { Messages } from '../output/messages.js';
import type { PlannedChange } from './change-flow.js';
import type { CommandContext } from './context.js';
import { configFor, type GlobalOptions } from './open.js';
import { refreshProgress, reportRefresh } from './refresh-report.js';
import { commandRunner } from './verbose.js';

/** `--restart` of a command that changes settings (set-casmailbox, undo, audit --fix). */
export interface RestartOptions extends GlobalOptions {
  restart?: boolean;
  whatIf?: boolean;
}

/** With `--restart`, the services setup: read before the store opens, so a broken setup changes nothing. */
export async function restartSetup(context: CommandContext, options: RestartOptions): Promise<ServiceSetup | undefined> {
  if (options.restart !== true) return undefined;
  const config = await configFor(context, options);
  return readServiceSetup(config.services, config.path, config.dovecot.webmailNetworks);
}

/**
 * What makes an applied change effective on `services` (flush their changed logins, end the
 * sessions that lost access), once every one of them has answered its status: a stopped service
 * fails the command before anything is written. A --what-if writes nothing, so it checks nothing.
 * Without a setup (no --restart) nothing: the change then says what to run. A service the
 * configuration leaves out cannot be reached: it stays pending, and the change says so (exit 4)
 * after making itself effective on the others.
 */
export async function makeEffectiveOn(
  context: CommandContext,
  store: DirectoryStore,
  messages: Messages,
  setup: ServiceSetup | undefined,
  services: readonly Service[],
  options: RestartOptions,
): Promise<Pick<PlannedChange, 'makeEffective'>> {
  if (setup === undefined) return {};
  const control = new ServiceControl(setup, store, context.now, commandRunner(context, options));
  if (options.whatIf !== true) await control.ensureRunning(services);
  const { configured, unconfigured } = control.configuration(services);
  const reached = configured.map((c) => c.service);
  return {
    makeEffective: async () => {
      if (reached.length > 0) reportRefresh(messages, 'Made effective on', reached, await control.refresh(reached, refreshProgress(context.stderr)));
      if (unconfigured.length === 0) return;
      const names = unconfigured.map((u) => u.service.Name);
      throw new ServiceError(
        `${unconfigured.map((u) => `${u.service.Name} is not configured: ${u.how}.`).join('\n')}\n` +
          `Still pending on ${names.join(', ')}: once configured, run 'casctl refresh-service ${names.join(' ')}'.`,
      );
    },
  };
}
