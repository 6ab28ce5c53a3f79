import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli.js';

/**
 * The line bash would have split into these words: spaces between them, except around a `=` or
 * `:` word, which bash splits off a word it is part of (COMP_WORDBREAKS): `--store`, `=`, `x` is `--store=x`.
 */
function lineOf(words: readonly string[]): string {
  return words.map((word, i) => (i === 0 || [word, words[i - 1]].some((w) => w === '=' || w === ':') ? word : ` ${word}`)).join('');
}

/**
 * Calls the script's completion function as bash's programmable completion does: COMP_WORDS
 * (split as bash splits, `--output=j` is `--output` `=` `j`), COMP_CWORD at the last word,
 * COMP_LINE and COMP_POINT at its end; returns COMPREPLY. `preload`: sourced first (bash-completion).
 */
export function bashComplete(script: string, words: readonly string[], env: NodeJS.ProcessEnv, preload?: string): string[] {
  const program = [
    ...(preload === undefined ? [] : ['source "$PRELOAD"']),
    'source "$SCRIPT"',
    'COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=$LINE; COMP_POINT=${#COMP_LINE}',
    '_casctl casctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"',
    "printf '%s\\0' \"${COMPREPLY[@]}\"",
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', program, 'bash', ...words], {
    env: { ...env, SCRIPT: script, LINE: lineOf(words), ...(preload === undefined ? {} : { PRELOAD: preload }) },
    encoding: 'utf8',
  });
  if (result.status !== 0 || result.stderr !== '') throw new Error(`bash completion failed (${String(result.status)}): ${result.stderr}`);
  return result.stdout.split('\0').filter((word) => word !== '');
}

/** `complete -p casctl` after `load` (`source "$SCRIPT"`, or the README's `source <(casctl completion bash)`): how bash has it registered. */
export function bashRegistration(load: string, script: string, env: NodeJS.ProcessEnv): string {
  return spawnSync('bash', ['--norc', '--noprofile', '-c', `${load} && complete -p casctl`], { env: { ...env, SCRIPT: script }, encoding: 'utf8' }).stdout.trim();
}

/** The command that loads a completion script into an interactive bash. */
export const sourced = (script: string): string => `source ${JSON.stringify(script)}`;

/** Types `line` and TAB into a real interactive bash (readline-complete.py) after `setup`: the line as TAB left it. */
export function readlineComplete(setup: string, line: string, env: NodeJS.ProcessEnv): string {
  const out = join(tempDir(), 'buffer');
  spawnSync('python3', [join(ROOT, 'test/helpers/completion/readline-complete.py'), out, setup, line], { env, encoding: 'utf8', timeout: 30_000 });
  const dumped = readFileSync(out, 'utf8');
  return dumped.slice(dumped.indexOf('<buffer>') + '<buffer>'.length).replace(/\n$/, '');
}
