import type { Terminal } from './prompt-terminal.js';

/** A yes/no answer, or Ctrl-C (or a terminal that went away) at the question. */
export type Answer = 'yes' | 'no' | 'interrupted';

/**
 * Asks on the terminal (stderr, or the controlling terminal when stdin is a pipe), defaulting to no;
 * `details` (what would change) is shown just before, where the question is. Ctrl-C is its own
 * answer, so the caller can exit 130 as a shell would.
 */
export async function askYesNo(message: string, terminal: Terminal, details = ''): Promise<Answer> {
  const streams = terminal.open();
  if (streams === null) return 'interrupted';
  try {
    const { confirm } = await import('@inquirer/prompts');
    streams.output.write(details);
    return (await confirm({ message, default: false }, { input: streams.input, output: streams.output })) ? 'yes' : 'no';
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') return 'interrupted';
    throw error;
  } finally {
    streams.close();
  }
}
