import type { Readable, Writable } from 'node:stream';

/** A yes/no answer, or Ctrl-C (or a terminal that went away) at the question. */
export type Answer = 'yes' | 'no' | 'interrupted';

/** Asks on the terminal (stderr), defaulting to no; Ctrl-C is its own answer, so the caller can exit 130 as a shell would. */
export async function askYesNo(message: string, streams: { stdin: Readable; stderr: Writable }): Promise<Answer> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return (await confirm({ message, default: false }, { input: streams.stdin, output: streams.stderr })) ? 'yes' : 'no';
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') return 'interrupted';
    throw error;
  }
}
