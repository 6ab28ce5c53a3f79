import { Argument, Option } from 'commander';

/**
 * What completion offers for an option's value or an argument, declared with the option in
 * program.ts from the list the command checks the value against, so the two cannot disagree.
 * `words`: these words; `files`, `directories`: paths; `organizational-units`: the OUs of the
 * store casctl would open (asked at completion time, within a deadline), after `words`.
 */
export type OfferedValues =
  | { kind: 'words'; words: readonly string[] }
  | { kind: 'files' }
  | { kind: 'directories' }
  | { kind: 'organizational-units'; words: readonly string[] };

export const FILES: OfferedValues = { kind: 'files' };
export const DIRECTORIES: OfferedValues = { kind: 'directories' };
/** The store's OUs, after these words (`Default`, the directory's plan). */
export const organizationalUnits = (also: readonly string[] = []): OfferedValues => ({ kind: 'organizational-units', words: also });
export const words = (list: readonly string[]): OfferedValues => ({ kind: 'words', words: list });

// Commander's options and arguments carry no field of ours: what each offers is kept beside them.
const offered = new WeakMap<Option | Argument, OfferedValues>();

/** An option whose value completion offers: `.addOption(valueOption('-o, --output <format>', help, words(FORMATS)))`. */
export function valueOption(flags: string, description: string, values: OfferedValues): Option {
  const option = new Option(flags, description);
  offered.set(option, values);
  return option;
}

/** An argument completion offers values for. */
export function valueArgument(name: string, description: string, values: OfferedValues): Argument {
  const argument = new Argument(name, description);
  offered.set(argument, values);
  return argument;
}

/** What completion offers for an option or argument; undefined: nothing (free text). */
export function offeredValues(target: Option | Argument): OfferedValues | undefined {
  return offered.get(target);
}
