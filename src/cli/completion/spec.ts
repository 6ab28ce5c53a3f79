import type { Argument, Command, Option } from 'commander';
import { exchangeSpelling } from '../command-spellings.js';
import { offeredValues, type OfferedValues } from './offered-values.js';

/** An option as completion sees it: its spellings, whether a value follows, what is offered for it. */
export interface OptionSpec {
  /** `-o`, `--output`: the short spelling first, where there is one. */
  flags: readonly string[];
  /** A value follows the option (`--output json`, `--output=json`). */
  takesValue: boolean;
  /** Absent: free text (a value follows, nothing to offer) or no value at all. */
  values?: OfferedValues;
  description: string;
}

export interface ArgumentSpec {
  /** The last argument takes every word from here on. */
  variadic: boolean;
  values?: OfferedValues;
}

export interface CommandSpec {
  /** casctl's name, which every spelling resolves to lower-cased. */
  name: string;
  /** How it may be typed and is offered: casctl's name, then the Exchange cmdlet's, where there is one. */
  spellings: readonly string[];
  description: string;
  options: readonly OptionSpec[];
  arguments: readonly ArgumentSpec[];
}

/** Everything a shell script completes, read from the program itself, so the scripts cannot drift from it. */
export interface CompletionSpec {
  /** The program's own options, accepted before and after the command. */
  globalOptions: readonly OptionSpec[];
  commands: readonly CommandSpec[];
}

function optionSpec(option: Option): OptionSpec {
  const values = offeredValues(option);
  return {
    flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
    takesValue: option.required || option.optional,
    ...(values === undefined ? {} : { values }),
    description: option.description,
  };
}

function argumentSpec(argument: Argument): ArgumentSpec {
  const values = offeredValues(argument);
  return { variadic: argument.variadic, ...(values === undefined ? {} : { values }) };
}

/** What help shows is what completion offers: hidden commands and options (the completion helper's) stay out. */
export function completionSpec(program: Command): CompletionSpec {
  const help = program.createHelp();
  return {
    globalOptions: help.visibleOptions(program).map(optionSpec),
    commands: help.visibleCommands(program).map((command) => {
      const exchange = exchangeSpelling(command.name());
      return {
        name: command.name(),
        spellings: exchange === undefined ? [command.name()] : [command.name(), exchange],
        description: command.description(),
        options: help.visibleOptions(command).map(optionSpec),
        arguments: command.registeredArguments.map(argumentSpec),
      };
    }),
  };
}
