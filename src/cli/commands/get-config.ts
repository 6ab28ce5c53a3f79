import { CONFIG_FORMATS } from '../../output/format-names.js';
import { parseOutputFormat, render, type View } from '../../output/formats.js';
import { useColour } from '../../output/colour.js';
import { Messages } from '../../output/messages.js';
import { terminalOf } from '../../output/terminal.js';
import type { OutputRecord } from '../../output/values.js';
import type { Origin } from '../config.js';
import type { CommandContext } from '../context.js';
import { effectiveConfig, type EffectiveConfig } from '../effective-config.js';
import { configFor, type GlobalOptions } from '../open.js';

interface GetConfigOptions extends GlobalOptions {
  output: string;
}

const SETTINGS_VIEW: View = { properties: ['Setting', 'Value', 'Origin'], defaults: ['Setting', 'Value', 'Origin'], table: ['Setting', 'Value', 'Origin'], id: 'Setting' };
const FILES_VIEW: View = { properties: ['File', 'Path', 'Status'], defaults: ['File', 'Path', 'Status'], table: ['File', 'Path', 'Status'], id: 'File' };

/** `origin` and `source` of -o json: what kind of place, and which one (the flag, the variable, the file; null for a default). */
function jsonOrigin(origin: Origin): { origin: string; source: string | null } {
  switch (origin.kind) {
    case 'flag':
      return { origin: 'flag', source: origin.flag };
    case 'environment':
      return { origin: 'environment', source: origin.variable };
    case 'file':
      return { origin: 'file', source: origin.path };
    case 'default':
      return { origin: 'default', source: null };
  }
}

/** As `git config --show-origin` writes it: the flag, `env NAME`, `file PATH` or `default`. */
function shownOrigin(origin: Origin): string {
  const { source } = jsonOrigin(origin);
  return origin.kind === 'flag' ? (source ?? '') : origin.kind === 'environment' ? `env ${source ?? ''}` : origin.kind === 'file' ? `file ${source ?? ''}` : 'default';
}

/** get-config: the settings this run would use, where each came from, and the configuration files looked at. */
export async function run(context: CommandContext, options: GetConfigOptions): Promise<number> {
  const format = parseOutputFormat(options.output, CONFIG_FORMATS);
  const effective = await effectiveConfig(context, options, await configFor(context, options));
  if (format === 'json') {
    context.stdout.write(`${JSON.stringify(asJson(effective), null, 2)}\n`);
    return 0;
  }
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const table = { format, colour: useColour(context.stdout, context.env), terminal: terminalOf(context.stdout, context.env, (text) => messages.warning(text)) } as const;
  const settings: OutputRecord[] = effective.settings.map((s) => ({ Setting: s.setting, Value: s.value, Origin: shownOrigin(s.origin) }));
  await render(settings, context.stdout, { ...table, view: SETTINGS_VIEW, properties: SETTINGS_VIEW.table });
  context.stdout.write('\n');
  const files: OutputRecord[] = effective.files.map((f) => ({ File: f.location, Path: f.path, Status: f.status }));
  await render(files, context.stdout, { ...table, view: FILES_VIEW, properties: FILES_VIEW.table });
  return 0;
}

function asJson(effective: EffectiveConfig): unknown {
  return {
    settings: effective.settings.map((s) => ({ setting: s.setting, value: s.value, ...jsonOrigin(s.origin) })),
    files: effective.files.map((f) => ({ location: f.location, path: f.path, status: f.status })),
  };
}
