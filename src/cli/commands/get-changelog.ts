import { ExitCode, UsageError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { selectMailboxes } from '../../core/select.js';
import type { ChangeRecord, DirectoryStore } from '../../store/directory-store.js';
import { CHANGE_HISTORY_FORMATTERS, writeChangeDetail } from '../../output/change-history.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, renderWith, type OutputFormat, type View } from '../../output/formats.js';
import { Messages } from '../../output/messages.js';
import { LOCAL, timeShower, UTC, type TimeZone } from '../../output/time-zone.js';
import type { OutputRecord } from '../../output/values.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { configFor, withStore, type GlobalOptions } from '../open.js';
import { ProblemCounter } from '../problems.js';

interface ChangelogOptions extends GlobalOptions {
  since?: string;
  identity?: string[];
  /** `--id`: the change to show in full, as the positional argument names it. */
  id?: string;
  localTime?: boolean;
  utc?: boolean;
  output: string;
  property?: string[];
  /** `--csv-raw`: csv without formula neutralisation. */
  csvRaw?: boolean;
}

const VIEW: View = {
  properties: ['Id', 'WhenChanged', 'User', 'SudoUser', 'Host', 'CommandLine', 'UndoOf', 'Mailboxes', 'Changes', 'PlanChanges', 'TransportConfig', 'State'],
  defaults: ['Id', 'WhenChanged', 'User', 'SudoUser', 'Host', 'CommandLine', 'UndoOf', 'Mailboxes', 'Changes', 'PlanChanges', 'TransportConfig', 'State'],
  table: ['Id', 'WhenChanged', 'User', 'Mailboxes', 'CommandLine'],
  id: 'Id',
};

/**
 * `--since 2026-11-01`, `--since 2026-11-01T08:00Z`, or a span back from now: `30m`, `12h`, `7d`.
 * `option` names the option in errors (prune-changelog's `--before` takes the same forms).
 */
export function parseSince(text: string, now: Date, option = '--since'): Date {
  const span = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  if (span !== null) {
    const minutes = { m: 1, h: 60, d: 1440, w: 10080 }[(span[2] ?? 'm').toLowerCase() as 'm' | 'h' | 'd' | 'w'];
    const since = new Date(now.getTime() - Number(span[1]) * minutes * 60_000);
    // JavaScript dates end 275,000 years back: a longer span is a typo, not a wish for everything.
    if (Number.isNaN(since.getTime())) throw new UsageError(`${option} ${text} reaches back further than any date; give a date (2026-11-01) or a shorter span.`);
    return since;
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? new Date(`${text.trim()}T00:00:00Z`) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${option} takes a date (2026-11-01, ISO 8601) or a span (30m, 12h, 7d), not '${text}'.`);
  return date;
}

function toRecord(change: ChangeRecord, time: (iso: string) => string): OutputRecord {
  return {
    Id: change.Id,
    WhenChanged: time(change.WhenChanged),
    User: change.User,
    SudoUser: change.SudoUser,
    Host: change.Host,
    CommandLine: change.CommandLine,
    UndoOf: change.UndoOf,
    Mailboxes: new Set(change.Changes.map((c) => c.Guid)).size,
    Changes: change.Changes.map((c) => ({
      Guid: c.Guid,
      Name: c.Name,
      PrimarySmtpAddress: c.PrimarySmtpAddress,
      Property: c.Property,
      Before: c.Before,
      After: c.After,
    })),
    PlanChanges: change.PlanChanges.map((c) => ({ Guid: c.Guid, Identity: c.Identity, Property: c.Property, Before: c.Before, After: c.After })),
    // The organisation defaults the change set (set-transportconfig); empty for a change of mailboxes.
    TransportConfig: (change.TransportConfig ?? []).map((c) => ({ Property: c.Property, Before: c.Before, After: c.After })),
    State: change.State,
  };
}

/** The change to show in full: the argument or `--id` (both: the same one). A mailbox is named with --identity. */
function changeId(args: readonly string[], option: string | undefined): number | undefined {
  const texts = [...new Set([...args, ...(option === undefined ? [] : [option])].map((t) => t.trim()))];
  if (texts.length > 1) throw new UsageError(`get-changelog shows one change; ${texts.map((t) => `'${printable(t)}'`).join(' and ')} name more than one.`);
  const [text] = texts;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`A change id is a whole number, not '${printable(text)}'; the changes to a mailbox are listed with --identity '${printable(text)}'.`);
  }
  return Number(text);
}

/**
 * Where the table, list and csv show times: --local-time or --utc, else the config's "timeZone",
 * else UTC. json, ndjson and id always carry the stored UTC time.
 */
async function timeZone(context: CommandContext, options: ChangelogOptions, format: OutputFormat): Promise<TimeZone> {
  if (options.localTime === true && options.utc === true) throw new UsageError('--local-time and --utc contradict each other; give one.');
  if (format === 'json' || format === 'ndjson' || format === 'id') return UTC;
  if (options.localTime === true) return LOCAL;
  if (options.utc === true) return UTC;
  return (await configFor(context, options)).timeZone ?? UTC;
}

/** The Guids of the mailboxes --identity names (problems reported as they come); undefined without it. */
async function namedMailboxes(store: DirectoryStore, identities: readonly string[] | undefined, problems: ProblemCounter): Promise<string[] | undefined> {
  if (identities === undefined) return undefined;
  const given = identities.map((identity) => ({ identity, source: 'argument' }));
  async function* named(): AsyncGenerator<{ identity: string; source: string }[]> {
    yield given;
  }
  const guids: string[] = [];
  for await (const { mailbox } of selectMailboxes(store, { identities: named(), wildcards: true }, problems.report)) guids.push(mailbox.Guid);
  return guids;
}

export async function run(context: CommandContext, options: ChangelogOptions, args: string[] = []): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const id = changeId(args, options.id);
  if (id !== undefined && options.since !== undefined) {
    throw new UsageError(`--since selects the changes to list; 'get-changelog ${id}' shows change ${id} whenever it was made.`);
  }
  if (id !== undefined && format === 'table' && options.property !== undefined) {
    throw new UsageError(`--property chooses what list, csv, json and ndjson show of change ${id}; its table always shows the header and a row per mailbox.`);
  }
  const properties = chooseProperties(VIEW, format, options.property);
  const since = options.since === undefined ? undefined : parseSince(options.since, context.now());
  const time = timeShower(await timeZone(context, options, format));
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const colour = useColour(context.stdout, context.env);
  const csvRaw = options.csvRaw === true;
  return withStore(context, options, async (store) => {
    const problems = new ProblemCounter(messages);
    const guids = await namedMailboxes(store, options.identity, problems);
    const query = { ...(id === undefined ? {} : { id }), ...(since === undefined ? {} : { since }), ...(guids === undefined ? {} : { guids }) };
    if (id !== undefined) {
      const [record] = await store.getChangeRecords(query);
      if (record !== undefined) {
        await writeChangeDetail(toRecord(record, time), context.stdout, { format, columns: properties, view: VIEW, colour, csvRaw });
      } else if (guids === undefined || (await store.getChangeRecords({ id })).length === 0) {
        messages.error(`The change ${id} couldn't be found on '${store.url}'; 'casctl get-changelog' lists them.`);
      } else if (guids.length > 0) {
        // (No Guid at all: the --identity errors have said why.)
        messages.error(`Change ${id} changed none of the mailboxes --identity names; 'casctl get-changelog ${id}' shows all it changed.`);
      }
      return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
    }
    const pages = store.changeRecords(query);
    // A page at a time: the history may hold millions of items, and only one page is ever held.
    async function* records(): AsyncGenerator<OutputRecord[]> {
      for await (const page of pages) yield page.map((change) => toRecord(change, time));
    }
    await renderWith(CHANGE_HISTORY_FORMATTERS, records(), context.stdout, { format, view: VIEW, properties, colour, csvRaw });
    return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  });
}
