import { Progress } from '../output/progress.js';
import type { CommandContext } from './context.js';

/** A command's progress on its stderr (a bar on a terminal only), timed by the context's clock. */
export function commandProgress(context: CommandContext): Progress {
  return new Progress(context.stderr, context.clock === undefined ? {} : { now: context.clock });
}
