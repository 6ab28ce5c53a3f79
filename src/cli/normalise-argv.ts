/**
 * Turns the Exchange Management Shell's spellings into casctl's, in one place:
 *   Set-CASMailbox            → set-casmailbox        (command names are case-insensitive)
 *   -Identity x, -identity x  → --identity x          (PowerShell parameters, any case)
 *   -ResultSize:10            → --result-size=10      (so -<Protocol>Enabled:$false → --<protocol>-enabled=$false)
 *   -Confirm:$false           → --yes
 *   -Confirm, -Confirm:$true  → --confirm             (ask, even where casctl would not)
 *   -WhatIf, -WhatIf:$true    → --what-if             (-WhatIf:$false: not a what-if, dropped)
 * Only words that name a known option are rewritten; everything after `--` is left alone.
 */
import { commandKey } from './command-spellings.js';

export interface ArgvVocabulary {
  commands: readonly string[];
  /** Long option names without dashes: `organizational-unit`, `result-size`, ... */
  options: readonly string[];
}

/** What a PowerShell parameter and the long option it names have in common: `-OrganizationalUnit`, `organizational-unit`. */
export const squash = (name: string): string => name.replace(/-/g, '').toLowerCase();

const SWITCH_VALUES = new Map([['$true', true], ['true', true], ['1', true], ['$false', false], ['false', false], ['0', false]]);

export function normaliseArgv(argv: readonly string[], vocabulary: ArgvVocabulary): string[] {
  const commands = new Map(vocabulary.commands.map((c) => [commandKey(c), c]));
  const options = new Map(vocabulary.options.map((o) => [squash(o), o]));
  const result: string[] = [];
  let commandSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      result.push(...argv.slice(i));
      break;
    }
    if (!commandSeen && !arg.startsWith('-')) {
      const command = commands.get(commandKey(arg));
      if (command !== undefined) {
        commandSeen = true;
        result.push(command);
        continue;
      }
    }
    result.push(...rewriteParameter(arg, options));
  }
  return result;
}

function rewriteParameter(arg: string, options: Map<string, string>): string[] {
  // PowerShell parameters: one dash, a name of two or more characters, an optional `:value`.
  const match = /^-([A-Za-z][A-Za-z0-9]+)(?::(.*))?$/s.exec(arg);
  if (match === null) return [arg];
  const [, name = '', value] = match;
  // PowerShell's switches take `:$true`/`:$false`; commander's flags take no value.
  const switchValue = value === undefined ? true : SWITCH_VALUES.get(value.trim().toLowerCase());
  if (squash(name) === 'confirm' && switchValue !== undefined) return [switchValue ? '--confirm' : '--yes'];
  if (squash(name) === 'whatif' && switchValue !== undefined) return switchValue ? ['--what-if'] : [];
  const option = options.get(squash(name));
  if (option === undefined) return [arg];
  return value === undefined ? [`--${option}`] : [`--${option}=${value}`];
}
