import { render, type OutputFormat, type RenderOptions } from '../output/formats.js';
import type { Messages } from '../output/messages.js';
import type { Progress } from '../output/progress.js';
import { useColour } from '../output/colour.js';
import { terminalOf } from '../output/terminal.js';
import type { OutputRecord } from '../output/values.js';
import type { CommandContext } from './context.js';

/**
 * A listing's records on stdout, coloured and fitted to its terminal as the command's context
 * says, its progress taken off stderr when they are written (or fail to be). Returns how many were shown.
 */
export async function renderListing(
  context: CommandContext,
  records: AsyncIterable<OutputRecord[]>,
  options: Omit<RenderOptions<OutputFormat>, 'colour' | 'terminal'>,
  messages: Messages,
  progress: Progress,
): Promise<number> {
  try {
    return await render(records, context.stdout, {
      ...options,
      colour: useColour(context.stdout, context.env),
      terminal: terminalOf(context.stdout, context.env, (text) => messages.warning(text)),
    });
  } finally {
    progress.stop();
  }
}

/** Said when --result-size cut a listing short: output never hides data silently. */
export function warnTruncated(messages: Messages, resultSize: number): void {
  messages.warning(`Only the first ${resultSize} items are shown; more match. Use --result-size Unlimited to see them all.`);
}
