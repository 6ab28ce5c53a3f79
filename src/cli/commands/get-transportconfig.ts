import { SETTINGS_FORMATS } from '../../output/format-names.js';
import { chooseProperties, parseOutputFormat, render, type View } from '../../output/formats.js';
import { useColour } from '../../output/colour.js';
import { NULLABLE_PROTOCOLS } from '../../core/protocols.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';

interface TransportOptions extends GlobalOptions {
  output: string;
  property?: string[];
  csvRaw?: boolean;
}

const SETTINGS = NULLABLE_PROTOCOLS.map((p) => p.property);
const VIEW: View = { properties: SETTINGS, defaults: SETTINGS, table: SETTINGS, id: SETTINGS[0] ?? '' };

/** Get-TransportConfig: the organisation defaults the mailboxes whose setting is $null follow. */
export async function run(context: CommandContext, options: TransportOptions): Promise<number> {
  const format = parseOutputFormat(options.output, SETTINGS_FORMATS);
  const properties = chooseProperties(VIEW, format, options.property);
  return withStore(context, options, async (store) => {
    const config = await store.getTransportConfig();
    await render([{ ...config }], context.stdout, { format, view: VIEW, properties, colour: useColour(context.stdout, context.env), csvRaw: options.csvRaw, shape: { kind: 'object' } });
    return 0;
  });
}
