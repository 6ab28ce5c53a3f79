import { ExitCode } from '../core/errors.js';
import { selectMailboxBatches } from '../core/select.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, type View } from '../output/formats.js';
import { fieldsFor, mailboxOutputRecords, showsLastLogons, withoutLastLogons } from '../output/mailbox-output.js';
import { LAST_LOGON_FILTER_PROPERTIES } from '../core/last-logon-properties.js';
import { recordedProtocols } from '../core/last-logons.js';
import { Messages } from '../output/messages.js';
import type { OutputRecord } from '../output/values.js';
import { useColour } from '../output/colour.js';
import { commandProgress } from './command-progress.js';
import type { CommandContext } from './context.js';
import { configFor, withStore, type GlobalOptions } from './open.js';
import { ProblemCounter } from './problems.js';
import { renderListing, warnTruncated } from './render-listing.js';
import { withLastLogons } from './selection-logons.js';
import { parseResultSize, selectionFromOptions, type SelectionOptions } from './selection-options.js';

export interface ListOptions extends GlobalOptions, SelectionOptions {
  output: string;
  property?: string[];
  /** `--csv-raw`: csv without formula neutralisation. */
  csvRaw?: boolean;
  expectNone?: boolean;
}

/** get-mailbox, get-user and get-casmailbox: select, then render one view of the same mailboxes. */
export async function listMailboxes(context: CommandContext, options: ListOptions, args: string[], view: View): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const chosen = chooseProperties(view, format, options.property);
  const asked = (options.property ?? []).length > 0;
  const resultSize = parseResultSize(options.resultSize);
  const selection = selectionFromOptions(context, options, args, true);
  const progress = commandProgress(context);
  const messages = new Messages(progress.messageStream, useColour(context.stderr, context.env));
  // A count of what is read, while the output goes to a file or a pipe: on the terminal it would
  // land between the lines of the output. No total: counting first would read everything twice.
  if (context.stdout.isTTY !== true) progress.phase('Reading directory', 'mailboxes');
  const needs = { filters: [selection.filter], ...(showsLastLogons(chosen) ? { shown: asked ? 'asked' as const : 'defaults' as const } : {}) };
  return withLastLogons(context, options, needs, (text) => messages.warning(text), (lastLogons) => withStore(context, options, async (store) => {
    // Logins nobody records are left out of the default columns, not shown empty on every listing:
    // all of them without a logins database, the webmail's without webmail networks.
    const webmail = (await configFor(context, options)).dovecot.webmailNetworks.length > 0;
    const properties = asked ? chosen : lastLogons === undefined ? withoutLastLogons(chosen) : withoutUnrecorded(chosen, webmail);
    let truncated = false;
    // One more than asked for tells whether the limit cut anything off.
    const selected = selectMailboxBatches(
      store,
      { ...selection, ...(resultSize === undefined ? {} : { resultSize: resultSize + 1 }), ...(lastLogons === undefined ? {} : { lastLogons }) },
      new ProblemCounter(messages).report,
      fieldsFor(properties),
    );
    const toRecord = mailboxOutputRecords(properties);
    async function* records(): AsyncGenerator<OutputRecord[]> {
      let count = 0;
      for await (const batch of selected) {
        const room = resultSize === undefined ? batch.length : resultSize - count;
        if (batch.length > room) truncated = true;
        const shown = batch.length > room ? batch.slice(0, room) : batch;
        count += shown.length;
        progress.tick(shown.length);
        if (shown.length > 0) yield shown.map(({ mailbox, logons }) => toRecord(mailbox, logons));
        if (truncated) return;
      }
    }
    const shown = await renderListing(context, records(), { format, view, properties, csvRaw: options.csvRaw }, messages, progress);
    if (truncated && resultSize !== undefined) warnTruncated(messages, resultSize);
    if (options.expectNone === true && shown > 0) {
      messages.info(`${shown} match${shown === 1 ? 'es' : ''}; --expect-none expected none.`);
      return ExitCode.Violations;
    }
    return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  }));
}

/** The properties but the login properties of protocols whose logins are not recorded apart (OWA without webmail networks). */
function withoutUnrecorded(properties: readonly string[], webmail: boolean): string[] {
  const recorded = recordedProtocols(webmail);
  const unrecorded = new Set(LAST_LOGON_FILTER_PROPERTIES.filter((p) => !recorded.includes(p.protocol)).map((p) => p.name));
  return properties.filter((name) => !unrecorded.has(name));
}
