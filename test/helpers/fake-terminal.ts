import { PassThrough } from 'node:stream';
import type { Terminal } from '../../src/output/prompt-terminal.js';

/** Nobody to ask: CI, cron, setsid. */
export const NO_TERMINAL: Terminal = { available: () => false, open: () => null };

/** A person at a terminal who types `keys` at the question; shown() is everything the terminal displayed. */
export function typingTerminal(keys: string): Terminal & { shown(): string; closed(): number } {
  const screen: string[] = [];
  let closed = 0;
  return {
    available: () => true,
    open: () => {
      const input = new PassThrough();
      const output = new PassThrough();
      output.on('data', (chunk: Buffer) => screen.push(chunk.toString('utf8')));
      // Typed once the question is on the screen, as a person would.
      output.once('data', () => setImmediate(() => input.write(keys)));
      return { input, output, close: () => void closed++ };
    },
    shown: () => screen.join(''),
    closed: () => closed,
  };
}
