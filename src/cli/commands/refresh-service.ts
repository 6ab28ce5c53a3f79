import { ExitCode } from '../../core/errors.js';
import { resolveServices } from '../../services/services.js';
import { Messages } from '../../output/messages.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { refreshProgress, reportRefresh } from '../refresh-report.js';
import { checkServiceOutput, configuredServices, renderServices, withServices, type ServiceOptions } from '../service-commands.js';

/** Makes pending changes effective without a restart: flush the changed logins, end the sessions that lost access. */
export async function run(context: CommandContext, options: ServiceOptions, args: string[]): Promise<number> {
  const services = resolveServices(args);
  checkServiceOutput(options);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withServices(context, options, 'write', async (control) => {
    const chosen = configuredServices(control, services, args.length > 0, messages);
    reportRefresh(messages, 'Refreshed', chosen, await control.refresh(chosen, refreshProgress(context.stderr)));
    await renderServices(context, options, await control.report(chosen));
    return ExitCode.Ok;
  });
}
