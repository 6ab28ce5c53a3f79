import { counted } from './counted.js';

/** A change of more mailboxes than this is confirmed first; one mailbox is changed as asked. */
export const CONFIRM_ABOVE = 1;

/** What decides a planned change's fate: its counts and the options, and whether anyone can be asked. */
export interface ChangeDecisionInput {
  /** Mailboxes the plan changes. */
  toChange: number;
  /** Errors reported while planning (a mailbox not found, ambiguous, refused, in conflict). */
  failed: number;
  whatIf: boolean;
  /** `--yes` (`-Confirm:$false`): no question asked. */
  yes: boolean;
  /** `--confirm` (`-Confirm`): ask even for one mailbox. */
  confirm?: boolean;
  /** `--atomic`: all or nothing. */
  atomic: boolean;
  /** A terminal to ask on exists (stdin and stderr, else the controlling terminal), so a question can be answered. */
  canAsk: boolean;
  confirmAbove?: number;
}

export type ChangeDecision =
  /** `atomic`: reported as a change of nothing, a partial failure; `no-terminal`: a usage error. */
  | { action: 'abort'; reason: 'atomic' | 'no-terminal'; message: string }
  | { action: 'what-if' }
  | { action: 'confirm' }
  | { action: 'apply' };

/** Abort, what-if, confirm or apply: worked out from data alone, so each case is tested without a store or a terminal. */
export function decideChange(input: ChangeDecisionInput): ChangeDecision {
  if (input.atomic && input.failed > 0) {
    return { action: 'abort', reason: 'atomic', message: `Nothing was changed: --atomic, and ${counted(input.failed, 'item')} failed.` };
  }
  if (input.whatIf) return { action: 'what-if' };
  const ask = input.confirm === true ? input.toChange > 0 : input.toChange > (input.confirmAbove ?? CONFIRM_ABOVE) && !input.yes;
  if (!ask) return { action: 'apply' };
  if (input.canAsk) return { action: 'confirm' };
  return {
    action: 'abort',
    reason: 'no-terminal',
    message:
      `This would change ${counted(input.toChange, 'mailbox', 'mailboxes')} and there is no terminal to confirm on. ` +
      'Review it with --what-if, then confirm with --yes (-Confirm:$false); nothing was changed.',
  };
}
