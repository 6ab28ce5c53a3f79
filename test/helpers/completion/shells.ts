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
 * its own, no store unless a test names one, and a deadline for the OU helper long enough for a
 * machine busy with tests to open a local store (the test of the default deadline goes without it).
 */
export function completionEnv(): NodeJS.ProcessEnv {
  const bin = tempDir();
  symlinkSync(BIN, join(bin, 'casctl'));
  return { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, HOME: tempDir(), LANG: 'C.UTF-8', CASCTL_COMPLETION_DEADLINE_MS: '10000' };
}

/** `casctl completion <shell>` written to a file, for a shell to source. */
export async function completionScript(shell: 'bash' | 'zsh' | 'fish'): Promise<string> {
  const result = await casctl(['completion', shell]);
  if (result.code !== 0) throw new Error(`completion ${shell} failed: ${result.stderr}`);
  const path = join(tempDir(), `casctl.${shell}`);
  writeFileSync(path, result.stdout);
  return path;
}

/** OU names a shell must quote: unicode and a space, and a name with both quotes and a $. */
export const AWKWARD_OUS = ['Zürich Büro', `O'Neil "Ops" $HOME`] as const;

/** A store whose two mailboxes sit in AWKWARD_OUS (under Europe, and at the top). */
export async function awkwardOuStore(): Promise<string> {
  const dir = tempDir();
  const store = join(dir, 'casctl.db');
  const csv = join(dir, 'awkward.csv');
  const field = (text: string): string => `"${text.replaceAll('"', '""')}"`;
  writeFileSync(
    csv,
    [
      'Name,Alias,PrimarySmtpAddress,OrganizationalUnit',
      `Zoe Ode,zode,zode@tailspintoys.com,${field(`tailspintoys.com/Europe/${AWKWARD_OUS[0]}`)}`,
      `Owen Neil,oneil,oneil@tailspintoys.com,${field(`tailspintoys.com/${AWKWARD_OUS[1]}`)}`,
    ].join('\n'),
  );
  for (const args of [['init'], ['import', csv]]) {
    const result = await casctl(args, { store });
    if (result.code !== 0) throw new Error(`${args[0]} failed: ${result.stderr}`);
  }
  return store;
}
