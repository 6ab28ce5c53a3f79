import { ExitCode } from '../../core/errors.js';
import type { OrganizationalUnit } from '../../store/directory-store.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, render, type View } from '../../output/formats.js';
import { unknownOrganizationalUnitMessage } from '../../core/select.js';
import { Messages } from '../../output/messages.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';

interface OuOptions extends GlobalOptions {
  output: string;
  property?: string[];
  /** `--csv-raw`: csv without formula neutralisation. */
  csvRaw?: boolean;
}

const VIEW: View = {
  properties: ['Name', 'CanonicalName', 'DistinguishedName', 'Guid'],
  defaults: ['Name', 'CanonicalName', 'DistinguishedName', 'Guid'],
  table: ['Name', 'CanonicalName', 'Guid'],
  id: 'Guid',
};

/** Get-OrganizationalUnit: every OU, or those an identity names (what --organizational-unit would match). */
export async function run(context: CommandContext, options: OuOptions, args: string[]): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const properties = chooseProperties(VIEW, format, options.property);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withStore(context, options, async (store) => {
    const found: OrganizationalUnit[] = [];
    if (args.length === 0) found.push(...(await store.findOrganizationalUnits(undefined)));
    for (const identity of args) {
      const units = await store.findOrganizationalUnits(identity);
      if (units.length === 0) messages.error(await unknownOrganizationalUnitMessage(store, identity));
      found.push(...units);
    }
    await render(found.map((ou) => ({ ...ou })), context.stdout, { format, view: VIEW, properties, colour: useColour(context.stdout, context.env), csvRaw: options.csvRaw });
    return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  });
}
