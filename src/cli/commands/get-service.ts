import { ExitCode } from '../../core/errors.js';
import { resolveServices } from '../../services/services.js';
import type { CommandContext } from '../context.js';
import { checkServiceOutput, renderServices, withServices, type ServiceOptions } from '../service-commands.js';

/** Get-Service: Status, Name, DisplayName, and whether changes are waiting for a refresh. */
export async function run(context: CommandContext, options: ServiceOptions, args: string[]): Promise<number> {
  const services = resolveServices(args);
  checkServiceOutput(options);
  return withServices(context, options, 'read', async (control) => {
    await renderServices(context, options, await control.report(services));
    return ExitCode.Ok;
  });
}
