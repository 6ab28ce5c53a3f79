import { ExitCode } from '../../core/errors.js';
import { resolveServices } from '../../services/services.js';
import { Messages } from '../../output/messages.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { checkServiceOutput, configuredServices, renderServices, withServices, type ServiceOptions } from '../service-commands.js';

/** Restart-Service (-PassThru): restarts, then shows the services as Get-Service would. */
export async function run(context: CommandContext, options: ServiceOptions, args: string[]): Promise<number> {
  const services = resolveServices(args);
  checkServiceOutput(options);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withServices(context, options, 'write', async (control) => {
    const chosen = configuredServices(control, services, args.length > 0, messages);
    const restarted = await control.restart(chosen);
    const also = restarted.filter((s) => !chosen.includes(s));
    // One Dovecot serves every protocol: restarting one service restarts the others with it.
    const note = also.length === 0 ? '' : ` (the same command restarts ${also.map((s) => s.Name).join(', ')} too)`;
    const servers = control.serverNames();
    const where = servers.length === 0 ? '' : ` on ${servers.join(', ')}`;
    messages.info(`Restarted ${restarted.map((s) => s.Name).join(', ')}${where}${note}.`);
    await renderServices(context, options, await control.report(restarted));
    return ExitCode.Ok;
  });
}
