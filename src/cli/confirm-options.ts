import { UsageError } from '../core/errors.js';

/** `--yes` says do not ask, `--confirm` says ask: given both, casctl cannot know which was meant. */
export function refuseContradictoryConfirm(options: { yes?: boolean; confirm?: boolean }): void {
  if (options.yes === true && options.confirm === true) {
    throw new UsageError('--yes (-Confirm:$false) and --confirm (-Confirm) contradict each other; give one of them. Nothing was changed.');
  }
}
