import { ExitCode } from '../../core/errors.js';
import type { Mailbox } from '../../core/mailbox.js';
import { selectMailboxBatches, type SelectedMailbox } from '../../core/select.js';
import { MailboxStatisticsReader } from '../../services/mailbox-statistics.js';
import { readServiceSetup } from '../../services/service-config.js';
import { useColour } from '../../output/colour.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat } from '../../output/formats.js';
import { fieldsFor, mailboxOutputRecords, showsLastLogons } from '../../output/mailbox-output.js';
import { mailboxPropertiesOf, mailboxStatisticsView, shownStatistics } from '../../output/mailbox-statistics-output.js';
import { Messages } from '../../output/messages.js';
import type { OutputRecord } from '../../output/values.js';
import { commandProgress } from '../command-progress.js';
import type { CommandContext } from '../context.js';
import type { ListOptions } from '../list-mailboxes.js';
import { statisticsRecords } from '../mailbox-statistics.js';
import { configFor, withStore } from '../open.js';
import { ProblemCounter } from '../problems.js';
import { renderListing, warnTruncated } from '../render-listing.js';
import { withLastLogons } from '../selection-logons.js';
import { parseResultSize, selectionFromOptions } from '../selection-options.js';
import { commandRunner } from '../verbose.js';

/** How many of the mailboxes Dovecot does not know a warning names. */
const NAMED_UNKNOWN = 5;

/** Get-MailboxStatistics: ItemCount and TotalItemSize from Dovecot's indexes (doveadm mailbox status), the recorded logins beside them. */
export async function run(context: CommandContext, options: ListOptions, args: string[]): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const config = await configFor(context, options);
  const setup = readServiceSetup(config.services, config.path, config.dovecot.webmailNetworks);
  const view = mailboxStatisticsView(setup.servers.length > 1);
  const properties = chooseProperties(view, format, options.property);
  const resultSize = parseResultSize(options.resultSize);
  const selection = selectionFromOptions(context, options, args, true);
  const progress = commandProgress(context);
  const messages = new Messages(progress.messageStream, useColour(context.stderr, context.env));
  const reader = new MailboxStatisticsReader(setup, commandRunner(context, options), (failed, next, why) => messages.warning(`${failed} could not be read, so ${next} answers instead: ${why}`));
  const mailboxProperties = mailboxPropertiesOf(properties);
  // Exchange's table shows LastLogonTime: when nothing records logins it stays, empty, after one warning.
  const logonProperties = properties.filter((p) => p === 'LastLogonTime' || (mailboxProperties.includes(p) && showsLastLogons([p])));
  const needs = { filters: [selection.filter], ...(logonProperties.length > 0 ? { shown: 'asked' as const } : {}) };
  const warnNotRecorded = (text: string): void => messages.warning(`${logonProperties.join(', ')} ${logonProperties.length === 1 ? 'is' : 'are'} empty. ${text}`);
  if (context.stdout.isTTY !== true) progress.phase('Reading mailboxes', 'mailboxes');

  let serviceFailures = 0;
  const unknown: string[] = [];
  let unknownCount = 0;
  return withLastLogons(context, options, needs, warnNotRecorded, (lastLogons) =>
    withStore(context, options, async (store) => {
      let truncated = false;
      const selected = selectMailboxBatches(
        store,
        { ...selection, ...(resultSize === undefined ? {} : { resultSize: resultSize + 1 }), ...(lastLogons === undefined ? {} : { lastLogons }) },
        new ProblemCounter(messages).report,
        [...new Set([...fieldsFor(mailboxProperties), 'PrimarySmtpAddress' as const])],
      );
      // One more than asked for tells whether the limit cut anything off.
      async function* limited(): AsyncGenerator<SelectedMailbox<Mailbox>[]> {
        let count = 0;
        for await (const batch of selected) {
          const room = resultSize === undefined ? batch.length : resultSize - count;
          if (batch.length > room) truncated = true;
          const shown = batch.slice(0, room);
          count += shown.length;
          if (shown.length > 0) yield shown;
          if (truncated) return;
        }
      }
      const toRecord = mailboxOutputRecords(mailboxProperties);
      async function* records(): AsyncGenerator<OutputRecord[]> {
        for await (const rows of statisticsRecords(limited(), reader, toRecord, {
          batchFailed: (count, first, last, why) => {
            serviceFailures++;
            messages.error(`Could not read the statistics of ${count} mailbox${count === 1 ? '' : 'es'} (${first}${count === 1 ? '' : ` … ${last}`}); no further ones are read: ${why}`);
          },
          mailboxFailed: (address, why) => {
            serviceFailures++;
            messages.error(`Could not read the statistics of '${address}': doveadm: ${why}`);
          },
          unknown: (address) => {
            if (unknownCount++ < NAMED_UNKNOWN) unknown.push(address);
          },
        })) {
          progress.tick(rows.length);
          yield rows;
        }
      }
      const shown = await renderListing(context, records(), { format, view, properties, csvRaw: options.csvRaw, shown: shownStatistics }, messages, progress);
      if (truncated && resultSize !== undefined) warnTruncated(messages, resultSize);
      if (unknownCount > 0) {
        const more = unknownCount > unknown.length ? `, and ${unknownCount - unknown.length} more` : '';
        messages.warning(
          `Dovecot does not know ${unknownCount} of these mailboxes (${unknown.join(', ')}${more}), so their ItemCount and TotalItemSize are empty: its userdb finds no such user. Is it reading this directory (casctl get-dovecotconfig), and does auth_username_chars allow these addresses?`,
        );
      }
      if (serviceFailures > 0) return ExitCode.ServiceFailed;
      if (options.expectNone === true && shown > 0) {
        messages.info(`${shown} match${shown === 1 ? 'es' : ''}; --expect-none expected none.`);
        return ExitCode.Violations;
      }
      return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
    }),
  );
}
