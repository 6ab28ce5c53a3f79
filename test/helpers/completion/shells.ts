/**
 * The shells the completion tests run for real, and what they need. A missing zsh, fish or
 * bash-completion skips its tests only on a developer's machine: with CI set the tests run and
 * fail (as test/helpers/slapd.ts does for slapd), so CI never goes green by skipping them.
 */
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BIN, casctl, tempDir } from '../cli.js';
import { which } from '../daemon.js';

export const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

const INSTALLED: Record<'zsh' | 'fish' | 'bash-completion', () => boolean> = {
  zsh: () => which('zsh') !== undefined,
  fish: () => which('fish') !== undefined,
  'bash-completion': () => existsSync(BASH_COMPLETION),
};

/** For `describe(..., { skip: shellSkipReason('zsh') })`. */
export function shellSkipReason(name: keyof typeof INSTALLED): string | false {
  if (INSTALLED[name]()) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return `${name} is not installed (apt-get install ${name}); skipped because CI is not set`;
}

/**
 * What a completion runs in: `casctl` on PATH (the scripts call it back for OU names), a HOME of
 * its own, and no store unless a test names one.
 */
export function completionEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const bin = tempDir();
  symlinkSync(BIN, join(bin, 'casctl'));
  return { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, HOME: tempDir(), LANG: 'C.UTF-8', ...extra };
}

/** `casctl completion <shell>` written to a file, for a shell to source. */
export async function completionScript(shell: 'bash' | 'zsh' | 'fish'): Promise<string> {
  const result = await casctl(['completion', shell]);
  if (result.code !== 0) throw new Error(`completion ${shell} failed: ${result.stderr}`);
  const path = join(tempDir(), `casctl.${shell}`);
  writeFileSync(path, result.stdout);
  return path;
}
