import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/**
 * The command lines README.md shows, split the way a POSIX shell would split them, so a test can
 * check them against the real program and run them. Only the shell's quoting, `\` escapes,
 * comments, `|`, `&&`, `;`, `>` and leading `NAME=value` assignments are understood: what the
 * README's examples use.
 */

/** One simple command: its words as the shell passes them, the environment it sets, where stdout goes. */
export interface ShellCommand {
  words: string[];
  env: Record<string, string>;
  stdout?: string;
  /** A word stands for something to fill in (`<id>`, `…`, `[--what-if]`): the line is not meant literally. */
  placeholder: boolean;
}

/** Commands joined by `|`; a line is pipelines joined by `&&` or `;`. */
export type Pipeline = ShellCommand[];

export interface ReadmeLine {
  /** 1-based line of README.md where the command starts. */
  line: number;
  /** The section (## heading, or ### under it) it is in. */
  section: string;
  text: string;
  /** A fenced code block, or an inline code span in prose (which may name a command without its arguments). */
  inline: boolean;
  pipelines: Pipeline[];
}

export const README = join(ROOT, 'README.md');

interface Word {
  text: string;
  placeholder: boolean;
}
type Token = Word | { op: '|' | '&&' | ';' | '>' };

const isOp = (token: Token): token is { op: '|' | '&&' | ';' | '>' } => 'op' in token;

/** Splits one shell line into words and operators. */
export function shellTokens(line: string): Token[] {
  const tokens: Token[] = [];
  let word: Word | undefined;
  const add = (text: string, placeholder = false): void => {
    word ??= { text: '', placeholder: false };
    word.text += text;
    word.placeholder ||= placeholder;
  };
  const end = (): void => {
    if (word !== undefined) tokens.push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      end();
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === '\\') {
      add(line[++i] ?? '');
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unclosed ' in: ${line}`);
      add(line.slice(i + 1, close));
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        // Inside double quotes a backslash escapes only these.
        if (line[j] === '\\' && '$`"\\'.includes(line[j + 1] ?? '')) j++;
        add(line[j] as string);
      }
      if (j >= line.length) throw new Error(`unclosed " in: ${line}`);
      i = j;
    } else if (c === '<' && /^<[A-Za-z][\w.-]*>/.test(line.slice(i))) {
      const close = line.indexOf('>', i);
      add(line.slice(i, close + 1), true);
      i = close;
    } else if (c === '|' || c === ';' || c === '>' || (c === '&' && line[i + 1] === '&')) {
      end();
      if (c === '&') i++;
      tokens.push({ op: c === '&' ? '&&' : c });
    } else {
      add(c, c === '…' || (c === '[' && word === undefined) || line.startsWith('...', i));
    }
  }
  end();
  return tokens;
}

/** The pipelines of one shell line. */
export function parseShellLine(line: string): Pipeline[] {
  const pipelines: Pipeline[] = [[]];
  let command: ShellCommand = { words: [], env: {}, placeholder: false };
  let redirect = false;
  const finish = (): void => {
    if (command.words.length > 0) (pipelines.at(-1) as Pipeline).push(command);
    command = { words: [], env: {}, placeholder: false };
  };
  for (const token of shellTokens(line)) {
    if (isOp(token)) {
      if (token.op === '>') {
        redirect = true;
        continue;
      }
      finish();
      if (token.op !== '|') pipelines.push([]);
      continue;
    }
    const assignment = /^([A-Za-z_]\w*)=(.*)$/s.exec(token.text);
    if (redirect) {
      command.stdout = token.text;
      redirect = false;
    } else if (command.words.length === 0 && assignment !== null) {
      command.env[assignment[1] as string] = assignment[2] as string;
    } else if (!(command.words.length === 0 && token.text === 'sudo')) {
      command.words.push(token.text);
      command.placeholder ||= token.placeholder;
    }
  }
  finish();
  return pipelines.filter((p) => p.length > 0);
}

/** A line in a code block: a YAML `- ` item or `run:` key and a `$ ` prompt are not part of the command. */
const LINE_PREFIX = /^\s*(?:-\s+)?(?:run:\s+)?(?:\$\s+)?/;

const runsCasctl = (pipelines: Pipeline[]): boolean => pipelines.some((p) => p.some((c) => c.words[0] === 'casctl'));

/** Every line of README.md (code blocks and inline code spans) with a command that runs casctl. */
export function readmeLines(text = readFileSync(README, 'utf8')): ReadmeLine[] {
  const lines = text.split('\n');
  const found: ReadmeLine[] = [];
  let section = '';
  let parent = '';
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^```/.test(line)) {
      fence = !fence;
      continue;
    }
    if (!fence) {
      const heading = /^(##+) (.*)$/.exec(line);
      if (heading !== null) {
        section = heading[1] === '##' ? heading[2] as string : `${parent} / ${heading[2] as string}`;
        if (heading[1] === '##') parent = section;
        continue;
      }
      for (const span of line.matchAll(/`(casctl [^`]*)`/g)) {
        const pipelines = parseShellLine(span[1] as string);
        if (runsCasctl(pipelines)) found.push({ line: i + 1, section, text: span[1] as string, inline: true, pipelines });
      }
      continue;
    }
    let joined = line;
    const start = i;
    while (joined.endsWith('\\') && i + 1 < lines.length) joined = `${joined.slice(0, -1)} ${lines[++i] as string}`;
    const command = joined.replace(LINE_PREFIX, '');
    if (!/(^|[|&;]\s*)(sudo\s+)?casctl\s/.test(command) && !/^\s*[A-Za-z_]\w*=\S*\s+casctl\s/.test(command)) continue;
    const pipelines = parseShellLine(command);
    if (runsCasctl(pipelines)) found.push({ line: start + 1, section, text: command.trim(), inline: false, pipelines });
  }
  return found;
}

/** The lines of one section's code blocks, in order. */
export function sectionLines(section: string, lines = readmeLines()): ReadmeLine[] {
  const inSection = lines.filter((l) => !l.inline && l.section === section);
  if (inSection.length === 0) throw new Error(`README.md has no casctl command in a code block of the section '${section}'`);
  return inSection;
}
