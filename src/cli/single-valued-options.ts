import type { Command, Option } from 'commander';
import { parseBoolean } from '../core/boolean.js';
import { UsageError } from '../core/errors.js';

/**
 * A single-valued option given twice with different values (`--pop-enabled false --pop-enabled true`,
 * `-PopEnabled:$false --pop-enabled true`, `-o json -o csv`) is a usage error: commander would keep
 * the last one, and which one the admin meant cannot be known. The same value twice is fine.
 * Flags and repeatable options (their own parser collects: --identity, --property) are left alone.
 */
export function refuseConflictingRepeats(commands: Iterable<Command>): void {
  for (const command of commands) {
    for (const option of command.options) {
      if (option.isBoolean() || option.negate || option.variadic || option.parseArg !== undefined) continue;
      let first: string | undefined;
      // Listens after commander's own handler; throwing ends the parse before any action runs.
      command.on(`option:${option.name()}`, (value: string) => {
        if (first === undefined) first = value;
        else if (!sameValue(option, first, value)) throw conflict(command, option, first, value);
      });
    }
  }
}

/** `<bool>` options mean the same by `false` and `$false` (the Exchange spelling normalises to the latter). */
function sameValue(option: Option, a: string, b: string): boolean {
  if (option.flags.endsWith('<bool>')) {
    const [x, y] = [parseBoolean(a), parseBoolean(b)];
    if (x !== null && y !== null) return x === y;
  }
  return a === b;
}

function conflict(command: Command, option: Option, first: string, second: string): UsageError {
  const name = option.long ?? option.short ?? option.name();
  const where = command.parent === null ? '' : `${command.name()}: `;
  return new UsageError(
    `${where}${name} is given twice with different values, '${first}' and then '${second}'; give it once, with the value you mean. Nothing was changed.`,
  );
}
