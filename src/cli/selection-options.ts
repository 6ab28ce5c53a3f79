import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import type { NamedIdentity, Selection } from '../core/select.js';
import { MAILBOX_FILTER_SCHEMA } from '../core/properties.js';
import { FilterSyntaxError, parseFilter, type FilterAst } from '../filter/index.js';
import { openIdentitySource } from '../input/identity-file.js';
import { identitiesFrom } from '../input/identity-source.js';
import type { CommandContext } from './context.js';

export interface SelectionOptions {
  identity?: string[];
  organizationalUnit?: string;
  filter?: string;
  file?: string;
  resultSize?: string;
}

/** `-ResultSize N|Unlimited`; unlimited by default, so an audit is never silently cut short. */
export function parseResultSize(text: string | undefined): number | undefined {
  if (text === undefined || text.trim().toLowerCase() === 'unlimited') return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new UsageError(`--result-size must be a positive whole number or Unlimited, not '${text}'.`);
  }
  return Number(text);
}

/** `-Filter` over the mailbox properties; a filter the parser rejects is a usage error (exit 2) in the parser's words. */
export function parseFilterOption(text: string): FilterAst {
  try {
    return parseFilter(text, MAILBOX_FILTER_SCHEMA);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new UsageError(error.message);
    throw error;
  }
}

/** Turns the selection options of get-* and set-casmailbox into a Selection for the core. */
export function selectionFromOptions(
  context: CommandContext,
  options: SelectionOptions,
  args: readonly string[],
  wildcards: boolean,
): Selection {
  const named = [...args, ...(options.identity ?? [])];
  const fromStdin = named.includes('-') || options.file === '-';
  if (named.filter((a) => a === '-').length > 1) throw new UsageError('Read identities from stdin ("-") only once.');
  const literal = named.filter((a) => a !== '-');
  const hasIdentities = literal.length > 0 || fromStdin || options.file !== undefined;
  const filter = options.filter === undefined ? undefined : parseFilterOption(options.filter);
  // Opened now, so a missing file is an error before anything is read, printed or changed.
  const sources: { input: Readable; label: string }[] = [];
  if (options.file !== undefined && options.file !== '-') {
    sources.push({ input: openIdentitySource(options.file, context.stdin), label: basename(options.file) });
  }
  if (fromStdin) sources.push({ input: context.stdin, label: 'stdin' });

  async function* identities(): AsyncGenerator<NamedIdentity[]> {
    if (literal.length > 0) yield literal.map((identity) => ({ identity, source: 'argument' }));
    for (const { input, label } of sources) {
      for await (const batch of identitiesFrom(input, label)) yield batch.map((entry) => ({ identity: entry.identity, source: `${label}:${entry.line}` }));
    }
  }

  return {
    ...(hasIdentities ? { identities: identities() } : {}),
    ...(options.organizationalUnit === undefined ? {} : { organizationalUnit: options.organizationalUnit }),
    ...(filter === undefined ? {} : { filter }),
    wildcards,
  };
}

/** True when the admin named mailboxes some way; set-casmailbox never means "all" by omission. */
export function namesMailboxes(options: SelectionOptions, args: readonly string[]): boolean {
  return args.length > 0 || (options.identity?.length ?? 0) > 0 || options.file !== undefined ||
    options.organizationalUnit !== undefined || options.filter !== undefined;
}
