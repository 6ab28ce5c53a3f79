import { squash } from '../normalise-argv.js';
import type { OfferedValues } from './offered-values.js';
import type { CommandSpec, CompletionSpec, OptionSpec } from './spec.js';

/**
 * The spec in the shape the bash and zsh scripts look things up in: a table keyed by
 * `<command> <word>` (`-` for the program's own options) whose value says what
 * follows: `-` free text, `f` files, `d` directories, `w words...`, `o words...` (those words,
 * then the store's OUs). An option with no value is in no table.
 */
/** The key of the program's own options: no command is spelled `-`. */
export const PROGRAM_KEY = '-';

export interface ScriptTables {
  /** Every spelling of every command. */
  spellings: readonly string[];
  /** The command names, which a word lower-cased must be to name a command. */
  names: readonly string[];
  /** Per command (and `-` for the program), its option words, separated by spaces. */
  options: ReadonlyMap<string, string>;
  /** `<command> <option>` → what follows the option. */
  optionValues: ReadonlyMap<string, string>;
  /** `<command> <n>` → what the n-th argument (from 0) is; `<command> *` for the words of a variadic last one. */
  argumentValues: ReadonlyMap<string, string>;
  /**
   * A PowerShell parameter as normalise-argv reads it (dashes gone, lower case: `organizationalunit`)
   * → the long option with a value it names, so `-OrganizationalUnit` is completed as `--organizational-unit`.
   */
  parameters: ReadonlyMap<string, string>;
}

/** Words go into the scripts' tables separated by spaces: one with white space in it would become two. */
function checkedWords(list: readonly string[]): string {
  for (const word of list) if (word === '' || /\s/.test(word)) throw new Error(`completion word ${JSON.stringify(word)} is empty or holds white space`);
  return list.join(' ');
}

export function valueCode(values: OfferedValues | undefined): string {
  if (values === undefined) return '-';
  switch (values.kind) {
    case 'files':
      return 'f';
    case 'directories':
      return 'd';
    case 'words':
      return `w ${checkedWords(values.words)}`;
    case 'organizational-units':
      return `o ${checkedWords(values.words)}`;
  }
}

interface Tables {
  options: Map<string, string>;
  optionValues: Map<string, string>;
  parameters: Map<string, string>;
}

function addOptions(command: string, options: readonly OptionSpec[], tables: Tables): void {
  tables.options.set(command, checkedWords(options.flatMap((o) => o.flags)));
  for (const option of options) {
    if (!option.takesValue) continue;
    for (const flag of option.flags) {
      tables.optionValues.set(`${command} ${flag}`, valueCode(option.values));
      if (flag.startsWith('--')) tables.parameters.set(squash(flag), flag);
    }
  }
}

function addArguments(command: CommandSpec, values: Map<string, string>): void {
  command.arguments.forEach((argument, index) => {
    values.set(`${command.name} ${index}`, valueCode(argument.values));
    if (argument.variadic) values.set(`${command.name} *`, valueCode(argument.values));
  });
}

export function scriptTables(spec: CompletionSpec): ScriptTables {
  const tables: Tables = { options: new Map(), optionValues: new Map(), parameters: new Map() };
  const argumentValues = new Map<string, string>();
  addOptions(PROGRAM_KEY, spec.globalOptions, tables);
  for (const command of spec.commands) {
    addOptions(command.name, command.options, tables);
    addArguments(command, argumentValues);
  }
  return {
    spellings: spec.commands.flatMap((c) => c.spellings),
    names: spec.commands.map((c) => c.name),
    ...tables,
    argumentValues,
  };
}

/** How a shell declares a global array and a global associative array, with their values. */
export interface TableSyntax {
  array(name: string, words: readonly string[]): string;
  map(name: string, table: ReadonlyMap<string, string>): string;
}

/** The tables as a bash or zsh script declares them: the names its functions read. */
export function declaredTables(t: ScriptTables, syntax: TableSyntax): string {
  return [
    syntax.array('__casctl_spellings', t.spellings),
    syntax.map('__casctl_names', new Map(t.names.map((name) => [name, '1']))),
    syntax.map('__casctl_options', t.options),
    syntax.map('__casctl_option_values', t.optionValues),
    syntax.map('__casctl_argument_values', t.argumentValues),
    syntax.map('__casctl_parameters', t.parameters),
  ].join('\n');
}

/**
 * What zsh shows beside each candidate: `<command> <flag>` (`-` for the program's) → the option's
 * help, and `<spelling>` → the command's. Descriptions are one line each.
 */
export function descriptionTable(spec: CompletionSpec): Map<string, string> {
  const table = new Map<string, string>();
  const oneLine = (text: string): string => text.replace(/\s+/g, ' ');
  const addOptions = (key: string, options: readonly OptionSpec[]): void => {
    for (const option of options) for (const flag of option.flags) table.set(`${key} ${flag}`, oneLine(option.description));
  };
  addOptions(PROGRAM_KEY, spec.globalOptions);
  for (const command of spec.commands) {
    addOptions(command.name, command.options);
    for (const spelling of command.spellings) table.set(spelling, oneLine(command.description));
  }
  return table;
}
