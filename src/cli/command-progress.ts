import { Progress } from '../output/progress.js';
import type { CommandContext } from './context.js';

/** The bar a command shows now, if any: what else it writes to stderr takes the bar off the line first. */
const bars = new WeakMap<CommandContext, Progress>();

/** A command's progress on its stderr (a bar on a terminal only), timed by the context's clock. */
export function commandProgress(context: CommandContext): Progress {
  const progress = new Progress(context.stderr, context.clock === undefined ? {} : { now: context.clock });
  bars.set(context, progress);
  return progress;
}

/** Where a line goes to stderr between the frames of the command's bar (the --verbose trace: it may come mid-phase). */
export function betweenFrames(context: CommandContext): { write(text: string): boolean } {
  return bars.get(context)?.messageStream ?? context.stderr;
}
