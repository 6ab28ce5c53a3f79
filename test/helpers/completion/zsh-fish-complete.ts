import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli.js';

export interface ZshCompletion {
  /** What zsh's own matching kept of what the completion offered, in order. */
  candidates: string[];
  /** The line as TAB left it. */
  buffer: string;
  /** What the candidates were offered to be shown as, descriptions beside them (before zsh's matching). */
  shown: string[];
}

/** Types `line` and TAB into a real zsh line editor (zsh-complete.zsh), the script sourced or autoloaded from fpath. */
export function zshComplete(script: string, mode: 'source' | 'fpath', line: string, env: NodeJS.ProcessEnv): ZshCompletion {
  const out = join(tempDir(), 'zsh-completion');
  spawnSync('zsh', ['-f', join(ROOT, 'test/helpers/completion/zsh-complete.zsh'), mode, script, out, line], { env, encoding: 'utf8', timeout: 30_000 });
  const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n') : [];
  const end = lines.indexOf('<end>');
  if (end < 0) throw new Error(`zsh completed nothing for ${JSON.stringify(line)}: ${lines.join('\n')}`);
  const offered = lines.slice(0, end).filter((l) => l !== '');
  return {
    candidates: offered.filter((l) => !l.startsWith('<shown>')),
    shown: offered.filter((l) => l.startsWith('<shown>')).map((l) => l.slice('<shown>'.length)),
    buffer: lines.find((l) => l.startsWith('<buffer>'))?.slice('<buffer>'.length) ?? '',
  };
}

const LOADS = {
  source: 'autoload -Uz compinit && compinit -u -D && source "$SCRIPT"',
  // As the README says to: the script straight from casctl on PATH.
  'source <()': 'autoload -Uz compinit && compinit -u -D && source <(casctl completion zsh)',
  fpath: 'cp "$SCRIPT" "$DIR/_casctl" && fpath=("$DIR" $fpath) && autoload -Uz compinit && compinit -u -D',
} as const;

/** Loads the script as a user's zsh would (compinit, then source or fpath): the function registered for casctl, and anything said on stderr. */
export function zshLoad(script: string, mode: keyof typeof LOADS, env: NodeJS.ProcessEnv): { registered: string; stderr: string } {
  const dir = tempDir();
  const program = `${LOADS[mode]} && print -r -- "$_comps[casctl]"`;
  const result = spawnSync('zsh', ['-f', '-c', program], { env: { ...env, SCRIPT: script, DIR: dir }, encoding: 'utf8' });
  return { registered: result.stdout.trim(), stderr: result.stderr };
}

/** `complete -C` in fish: what fish would offer for the line, without descriptions. */
export function fishComplete(script: string, line: string, env: NodeJS.ProcessEnv): string[] {
  const result = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', script, line], { env, encoding: 'utf8' });
  if (result.status !== 0 || result.stderr !== '') throw new Error(`fish failed (${String(result.status)}): ${result.stderr}`);
  return result.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0] ?? '');
}
