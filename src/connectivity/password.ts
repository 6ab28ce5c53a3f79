import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import type { Terminal } from '../output/prompt-terminal.js';

/** Where a connectivity test's password comes from: never argv (it would show in `ps` and shell history). */
export interface PasswordSource {
  /** --password-file: its first line; "-" reads standard input. */
  passwordFile?: string;
  env: NodeJS.ProcessEnv;
  /** Read for `--password-file -`. */
  stdin: Readable;
  /** Where the prompt asks: stdin and stderr, else the controlling terminal when stdin is a pipe. */
  terminal: Terminal;
  /** Who is asked at the prompt, e.g. "rand.zaher@tailspintoys.com". */
  user: string;
}

export const PASSWORD_VARIABLE = 'CASCTL_TEST_PASSWORD';

/**
 * The password: --password-file, else CASCTL_TEST_PASSWORD, else a prompt on the terminal that
 * echoes nothing (not even a `*` per key, which would tell its length), else a UsageError saying how to give it.
 */
export async function resolvePassword(source: PasswordSource): Promise<string> {
  if (source.passwordFile !== undefined) return firstLine(await readPasswordFile(source.passwordFile, source.stdin), source.passwordFile);
  const fromEnv = source.env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const streams = source.terminal.open();
  if (streams === null) {
    throw new UsageError(
      `No password for ${source.user}: give --password-file <path> (its first line; "-" reads stdin) or set ${PASSWORD_VARIABLE}; ` +
        'casctl asks for it only on a terminal, and never takes it on the command line.',
    );
  }
  try {
    const { password } = await import('@inquirer/prompts');
    // No mask: nothing per key. No toggle: Ctrl-T would otherwise show it in clear.
    return await password({ message: `Password for ${source.user}:`, toggleMask: false }, { input: streams.input, output: streams.output });
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new UsageError('No password was given; nothing was tested.');
    throw error;
  } finally {
    streams.close();
  }
}

async function readPasswordFile(path: string, stdin: Readable): Promise<string> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(`Cannot read the password file '${path}'${code === undefined ? '' : ` (${code})`}.`);
  }
}

/** The first line, without its line ending (LF or CRLF) and without a UTF-8 BOM. */
export function firstLine(text: string, path: string): string {
  const line = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n', 1)[0]?.replace(/\r$/, '') ?? '';
  if (line === '') throw new UsageError(`The password file '${path}' is empty (casctl reads its first line).`);
  return line;
}
