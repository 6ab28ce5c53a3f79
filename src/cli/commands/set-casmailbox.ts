import { BOOLEAN_SPELLINGS, parseBoolean } from '../../core/boolean.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { planFor, shownIdentity, type PlanItem } from '../../core/plan.js';
import { PROTOCOLS } from '../../core/protocols.js';
import { selectMailboxes } from '../../core/select.js';
import type { CasSettings } from '../../store/directory-store.js';
import { Messages } from '../../output/messages.js';
import { useColour, type CommandContext } from '../context.js';
import { reportProblem } from '../list-mailboxes.js';
import { withStore, type GlobalOptions } from '../open.js';
import { namesMailboxes, selectionFromOptions, type SelectionOptions } from '../selection-options.js';

interface SetOptions extends GlobalOptions, SelectionOptions {
  popEnabled?: string;
  imapEnabled?: string;
  yes?: boolean;
}

function settingValue(option: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const value = parseBoolean(text);
  if (value !== null) return value;
  const hint = text === '' ? ` (a Unix shell expands an unquoted $false to nothing: write '$false' in quotes, or false)` : '';
  throw new UsageError(`--${option} takes ${BOOLEAN_SPELLINGS}, not '${text}'${hint}.`);
}

export function wantedSettings(options: SetOptions): CasSettings {
  const pop = settingValue('pop-enabled', options.popEnabled);
  const imap = settingValue('imap-enabled', options.imapEnabled);
  if (pop === undefined && imap === undefined) {
    throw new UsageError('Nothing to change: give --pop-enabled and/or --imap-enabled.');
  }
  return { ...(pop === undefined ? {} : { PopEnabled: pop }), ...(imap === undefined ? {} : { ImapEnabled: imap }) };
}

export async function run(context: CommandContext, options: SetOptions, args: string[]): Promise<number> {
  const wanted = wantedSettings(options);
  if (!namesMailboxes(options, args)) {
    throw new UsageError('Name the mailboxes to change: an identity, --organizational-unit, --filter or --file (or "-" for stdin).');
  }
  const selection = selectionFromOptions(context, options, args, false);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));

  return withStore(context, options, async (store) => {
    const plan: PlanItem[] = [];
    for await (const { mailbox, namedAs } of selectMailboxes(store, selection, (p) => reportProblem(messages, p))) {
      plan.push(planFor(mailbox, wanted, namedAs));
    }
    const changing = plan.filter((item) => item.status === 'change');
    if (changing.length > 1 && options.yes !== true) {
      throw new UsageError(
        `This would change ${changing.length} mailboxes. Confirm a bulk change with --yes (-Confirm:$false); nothing was changed.`,
      );
    }
    for (const item of plan) {
      if (item.status === 'refused') {
        const text = `The Administrator mailbox '${shownIdentity(item)}' can't be enabled for POP3 or IMAP4.`;
        if (item.namedAs === undefined) messages.warning(`${text} It was skipped.`);
        else messages.error(text);
      } else if (item.status === 'unchanged' && item.namedAs !== undefined) {
        messages.warning(`The command completed successfully but no settings of '${shownIdentity(item)}' have been modified.`);
      }
    }
    if (changing.length > 0) {
      await store.setCasSettings(
        changing.map((item) => ({ Guid: item.Guid, settings: Object.fromEntries(item.changes.map((c) => [c.property, c.after])) })),
        context.now(),
      );
      const services = PROTOCOLS.filter((p) => changing.some((item) => item.changes.some((c) => c.property === p.property)))
        .flatMap((p) => p.services);
      messages.info(`Changed ${changing.length} mailbox${changing.length === 1 ? '' : 'es'}. For the change to take effect, refresh or restart: ${services.join(', ')}.`);
    }
    return messages.errors > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
  });
}
