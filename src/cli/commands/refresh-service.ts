import { ExitCode } from '../../core/errors.js';
import { resolveServices } from '../../services/services.js';
import { Messages } from '../../output/messages.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { refreshProgress, reportRefresh } from '../refresh-report.js';
import { checkServiceOutput, renderServices, withServices, type ServiceOptions } from '../service-commands.js';

/** Makes pending changes effective without a restart: flush the changed logins, end the sessions that lost access. */
export async function run(context: CommandContext, options: ServiceOptions, args: string[]): Promise<number> {
  const services = resolveServices(args);
  checkServiceOutput(options);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withServices(context, options, 'write', async (control) => {
    reportRefresh(messages, 'Refreshed', services, await control.refresh(services, refreshProgress(context.stderr)));
    await renderServices(context, options, await control.report(services));
    return ExitCode.Ok;
  });
}
