import { closeSync, openSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { onFirstUse } from '../core/on-first-use.js';

// When someone is asked: every start makes a terminal, few ask anything.
const tty = onFirstUse<typeof import('node:tty')>('node:tty');

/** The streams one question is asked and answered on; close() gives back what was opened for it. */
export interface PromptStreams {
  input: Readable;
  output: Writable;
  close(): void;
}

/** Where a person can be asked: passed in, so tests choose whether anyone is there. */
export interface Terminal {
  /** Whether anyone can answer (false in CI, cron, under setsid: no terminal at all). */
  available(): boolean;
  /** The streams for one question, or null when nobody can answer. */
  open(): PromptStreams | null;
}

export const CONTROLLING_TERMINAL = '/dev/tty';

/**
 * stdin and stderr when both are terminals; else the controlling terminal, as git and ssh do, so a
 * question still reaches the person when stdin is a pipe (`get-mailbox -o id | set-casmailbox -`)
 * or stderr goes to a file. Never stdout: that is the data.
 */
export function promptTerminal(
  streams: { stdin: Readable & { isTTY?: boolean }; stderr: Writable & { isTTY?: boolean } },
  path = CONTROLLING_TERMINAL,
): Terminal {
  const onStreams = (): boolean => streams.stdin.isTTY === true && streams.stderr.isTTY === true;
  return {
    available: () => onStreams() || controllingTerminalExists(path),
    open: () => (onStreams() ? { input: streams.stdin, output: streams.stderr, close: () => undefined } : openControllingTerminal(path)),
  };
}

function controllingTerminalExists(path: string): boolean {
  const fd = tryOpen(path, 'r+');
  if (fd === null) return false;
  const exists = tty().isatty(fd);
  closeSync(fd);
  return exists;
}

/** Its own descriptors for reading and writing, so closing one stream never closes the other's. */
function openControllingTerminal(path: string): PromptStreams | null {
  const read = tryOpen(path, 'r');
  const write = read === null ? null : tryOpen(path, 'w');
  const { isatty, ReadStream, WriteStream } = tty();
  if (read === null || write === null || !isatty(read)) {
    for (const fd of [read, write]) if (fd !== null) closeSync(fd);
    return null;
  }
  const input = new ReadStream(read);
  const output = new WriteStream(write);
  return {
    input,
    output,
    close: () => {
      // The prompt leaves raw mode itself; an error thrown mid-question must not leave the terminal raw.
      input.setRawMode(false);
      input.destroy();
      output.destroy();
    },
  };
}

/** ENXIO when there is no controlling terminal; any other failure means the same here: nobody to ask. */
function tryOpen(path: string, flags: 'r' | 'w' | 'r+'): number | null {
  try {
    return openSync(path, flags);
  } catch {
    return null;
  }
}
