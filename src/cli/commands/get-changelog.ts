import { ExitCode, UsageError } from '../../core/errors.js';
import { selectMailboxes } from '../../core/select.js';
import type { ChangeRecord } from '../../store/directory-store.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, render, type View } from '../../output/formats.js';
import { Messages } from '../../output/messages.js';
import type { OutputRecord } from '../../output/values.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';
import { ProblemCounter } from '../problems.js';

interface ChangelogOptions extends GlobalOptions {
  since?: string;
  identity?: string[];
  output: string;
  property?: string[];
  /** `--csv-raw`: csv without formula neutralisation. */
  csvRaw?: boolean;
}

const VIEW: View = {
  properties: ['Id', 'WhenChanged', 'User', 'SudoUser', 'Host', 'CommandLine', 'UndoOf', 'Mailboxes', 'Changes', 'State'],
  defaults: ['Id', 'WhenChanged', 'User', 'SudoUser', 'Host', 'CommandLine', 'UndoOf', 'Mailboxes', 'Changes', 'State'],
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

function toRecord(change: ChangeRecord): OutputRecord {
  return {
    Id: change.Id,
    WhenChanged: change.WhenChanged,
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
    State: change.State,
  };
}

export async function run(context: CommandContext, options: ChangelogOptions): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const properties = chooseProperties(VIEW, format, options.property);
  const since = options.since === undefined ? undefined : parseSince(options.since, context.now());
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  return withStore(context, options, async (store) => {
    const problems = new ProblemCounter(messages);
    let guids: string[] | undefined;
    if (options.identity !== undefined) {
      async function* named(): AsyncGenerator<{ identity: string; source: string }[]> {
        yield (options.identity ?? []).map((identity) => ({ identity, source: 'argument' }));
      }
      guids = [];
      for await (const { mailbox } of selectMailboxes(store, { identities: named(), wildcards: true }, problems.report)) {
        guids.push(mailbox.Guid);
      }
    }
    const pages = store.changeRecords({ ...(since === undefined ? {} : { since }), ...(guids === undefined ? {} : { guids }) });
    // A page at a time: the history may hold millions of items, and only one page is ever held.
    async function* records(): AsyncGenerator<OutputRecord[]> {
      for await (const page of pages) yield page.map(toRecord);
    }
    await render(records(), context.stdout, { format, view: VIEW, properties, colour: useColour(context.stdout, context.env), csvRaw: options.csvRaw });
    return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  });
}
