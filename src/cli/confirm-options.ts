import type { ChangeDecisionInput } from '../core/change-decision.js';
import { UsageError } from '../core/errors.js';
import type { CommandContext } from './context.js';

/** `--yes` says do not ask, `--confirm` says ask: given both, casctl cannot know which was meant. */
export function refuseContradictoryConfirm(options: { yes?: boolean; confirm?: boolean }): void {
  if (options.yes === true && options.confirm === true) {
    throw new UsageError('--yes (-Confirm:$false) and --confirm (-Confirm) contradict each other; give one of them. Nothing was changed.');
  }
}

/** What every change command hands decideChange from its options and the terminal; the counts are its own. */
export function confirmChoice(
  options: { yes?: boolean; confirm?: boolean; whatIf?: boolean; atomic?: boolean },
  context: Pick<CommandContext, 'terminal'>,
): Pick<ChangeDecisionInput, 'whatIf' | 'yes' | 'confirm' | 'atomic' | 'canAsk'> {
  return {
    whatIf: options.whatIf === true,
    yes: options.yes === true,
    confirm: options.confirm === true,
    atomic: options.atomic === true,
    canAsk: context.terminal.available(),
  };
}
