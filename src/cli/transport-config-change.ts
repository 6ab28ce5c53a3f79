import { confirmChoice } from './confirm-options.js';
import { applyTransportChange, followersQuery } from '../core/transport-config.js';
import { decideChange } from '../core/change-decision.js';
import type { ChangeSource } from '../core/change-context.js';
import { counted } from '../core/counted.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { protocolOf, admits, type NullableSettingName } from '../core/protocols.js';
import { askYesNo } from '../output/confirm.js';
import { PLAN_CHANGE_FORMATS } from '../output/format-names.js';
import { parseOutputFormat } from '../output/formats.js';
import type { Messages } from '../output/messages.js';
import type { DirectoryStore } from '../store/directory-store.js';
import type { CommandContext } from './context.js';
import { makeCommittedEffective, type PlannedChange } from './change-flow.js';

/** An organisation default to change (set-transportconfig, or the undo of one). */
export interface TransportChange {
  property: NullableSettingName;
  /** The value it holds now. */
  before: boolean;
  after: boolean;
  undoOf?: number;
}

export interface TransportChangeOptions {
  whatIf?: boolean;
  yes?: boolean;
  confirm?: boolean;
  output: string;
}

const shown = (value: boolean): string => `$${String(value)}`;

/**
 * Plan → confirm → apply → report for an organisation default. The mailboxes that follow it are
 * what it changes (their logins turn), so they are what is counted and confirmed, as set-casmailbox
 * confirms a change of several mailboxes. table: messages only; json: the result on stdout.
 */
export async function runTransportChange(
  context: CommandContext,
  store: DirectoryStore,
  messages: Messages,
  change: TransportChange,
  options: TransportChangeOptions,
  effect: Pick<PlannedChange, 'makeEffective'>,
): Promise<number> {
  const format = parseOutputFormat(options.output, PLAN_CHANGE_FORMATS);
  const protocol = protocolOf(change.property);
  const followers = await store.countMailboxes(followersQuery(change.property));
  const turns = admits(protocol, null, change.before) !== admits(protocol, null, change.after);
  const what = `${change.property} of the organisation ${shown(change.before)} → ${shown(change.after)}`;
  const effectText = `${protocol.displayName} ${admits(protocol, null, change.after) ? 'is allowed' : 'is refused'} for the ${counted(followers, 'mailbox', 'mailboxes')} that follow the organisation default ($null)`;
  const write = async (result: { WhatIf: boolean; ChangeId: number | null; Changed: number }): Promise<void> => {
    if (format === 'json') {
      context.stdout.write(`${JSON.stringify({ ...result, Property: change.property, Before: change.before, After: change.after, MailboxesFollowing: followers })}\n`);
    }
  };
  if (change.before === change.after) {
    messages.info(`${change.property} of the organisation is ${shown(change.after)} already; nothing to change.`);
  }
  const decision = decideChange({
    toChange: change.before === change.after || !turns ? 0 : followers,
    failed: 0,
    ...confirmChoice({ ...options, atomic: false }, context),
  });
  if (decision.action === 'abort') throw new UsageError(decision.message);
  if (decision.action === 'what-if') {
    if (change.before !== change.after) messages.info(`What if: would set ${what}: ${effectText}.`);
    await write({ WhatIf: true, ChangeId: null, Changed: 0 });
    return ExitCode.Ok;
  }
  if (decision.action === 'confirm') {
    const answer = await askYesNo(`Set ${what}?`, context.terminal, `${effectText}.\n`);
    if (answer !== 'yes') {
      messages.info('Nothing was changed.');
      return answer === 'interrupted' ? ExitCode.Interrupted : ExitCode.Ok;
    }
  }
  const source: ChangeSource = context;
  const applied = await applyTransportChange(store, change, source);
  if (applied.changeId === null && change.before !== change.after) {
    // Undo's `from` no longer held: another change set the default since.
    throw new UsageError(`${change.property} of the organisation changed since; nothing was changed.`);
  }
  if (applied.changeId === null) {
    if (applied.mailboxes > 0) messages.warning(`${counted(applied.mailboxes, 'mailbox', 'mailboxes')} that follow the default did not match it (a run cut short); they do now.`);
    await write({ WhatIf: false, ChangeId: null, Changed: applied.mailboxes });
    return ExitCode.Ok;
  }
  messages.info(`Set ${what}: ${effectText}.`);
  messages.info(`Recorded as change ${applied.changeId}; undo it with: casctl undo ${applied.changeId}`);
  await write({ WhatIf: false, ChangeId: applied.changeId, Changed: applied.mailboxes });
  await makeCommittedEffective(messages, applied.changeId, effect.makeEffective, [protocol]);
  return ExitCode.Ok;
}
