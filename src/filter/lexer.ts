import { FilterSyntaxError, quote } from './errors.js';
import { orList, suggest } from './suggest.js';

/** OPATH's dash operators, matched case-insensitively as PowerShell does (`-EQ`, `-And`). */
export const OPERATORS = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'like', 'notlike', 'and', 'or', 'not'] as const;
export type OperatorName = (typeof OPERATORS)[number];

interface Located {
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset after the last character. */
  end: number;
}

type Punctuation = '(' | ')' | '{' | '}';

export type Token =
  | ({ kind: 'eof' } & Located)
  | { [K in Punctuation]: { kind: K } & Located }[Punctuation]
  | ({ kind: 'operator'; name: OperatorName } & Located)
  /** Quotes removed and escapes resolved. */
  | ({ kind: 'string'; value: string } & Located)
  | ({ kind: 'number'; text: string } & Located)
  /** `$true`, `$false`, `$null`. */
  | ({ kind: 'constant'; value: boolean | null } & Located)
  /** A bare word: a property name, or a mistake the parser explains. */
  | ({ kind: 'word'; text: string } & Located);

export type TokenKind = Token['kind'];

const WHITESPACE = /\s+/uy;
const WORD = /[\p{L}\p{M}\p{N}_]+/uy;
const NUMBER = /\d+(?:\.\d+)?/y;
const WORD_START = /[\p{L}_]/u;
const DIGIT = /[0-9]/;
/**
 * A date typed without quotes (`2026-11-01`, `2026-11-01T08:00:00Z`, `11/1/2026`), as admins type
 * them: read as the quoted text would be, so the property's type decides what it means.
 */
const UNQUOTED_DATE = /(?:\d{4}-\d{1,2}-\d{1,2}(?:T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}\/\d{1,2}\/\d{4})(?![\p{L}\p{N}_.:/-])/uy;

/**
 * Splits a filter into tokens, all of them up front: filters are short, and a complete token
 * list lets the parser look ahead freely. Throws FilterSyntaxError for text that is no token.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (true) {
    WHITESPACE.lastIndex = position;
    if (WHITESPACE.test(source)) position = WHITESPACE.lastIndex;
    if (position >= source.length) break;
    const token = readToken(source, position);
    tokens.push(token);
    position = token.end;
  }
  tokens.push({ kind: 'eof', start: source.length, end: source.length });
  return tokens;
}

function readToken(source: string, start: number): Token {
  const char = source[start] as string;
  switch (char) {
    case '(':
    case ')':
    case '{':
    case '}':
      return { kind: char, start, end: start + 1 };
    case "'":
      return readQuoted(source, start, "'");
    case '"':
      return readQuoted(source, start, '"');
    case '-':
      return readDash(source, start);
    case '$':
      return readConstant(source, start, start + 1);
    case '`':
      // PowerShell needs `$false inside a double-quoted -Filter "..." argument; Exchange's own
      // article writes it that way, so the escaped form is accepted as if the shell had removed it.
      if (source[start + 1] === '$') return readConstant(source, start, start + 2);
      break;
  }
  if (DIGIT.test(char)) {
    UNQUOTED_DATE.lastIndex = start;
    if (UNQUOTED_DATE.test(source)) return { kind: 'string', value: source.slice(start, UNQUOTED_DATE.lastIndex), start, end: UNQUOTED_DATE.lastIndex };
    return readNumber(source, start, start);
  }
  if (WORD_START.test(char)) {
    WORD.lastIndex = start;
    WORD.test(source);
    return { kind: 'word', text: source.slice(start, WORD.lastIndex), start, end: WORD.lastIndex };
  }
  throw unexpectedCharacter(source, start);
}

/**
 * 'text' with '' for a quote, or "text" with "" for a quote. In double quotes a backtick
 * escapes `$`, `"` or another backtick (PowerShell's escape character); elsewhere it is literal.
 */
function readQuoted(source: string, start: number, quoteChar: "'" | '"'): Token {
  let value = '';
  let position = start + 1;
  while (position < source.length) {
    const char = source[position] as string;
    if (char === quoteChar) {
      if (source[position + 1] === quoteChar) {
        value += quoteChar;
        position += 2;
        continue;
      }
      return { kind: 'string', value, start, end: position + 1 };
    }
    const next = source[position + 1];
    if (quoteChar === '"' && char === '`' && (next === '$' || next === '"' || next === '`')) {
      value += next;
      position += 2;
      continue;
    }
    value += char;
    position++;
  }
  throw new FilterSyntaxError(
    'unterminated string',
    source,
    start,
    source.length,
    `The ${quoteChar} opened here is never closed; write ${quoteChar}${quoteChar} for a ${quoteChar} inside the text.`,
  );
}

/** `-eq` and friends, or a negative number. */
function readDash(source: string, start: number): Token {
  const next = source[start + 1] ?? '';
  if (DIGIT.test(next)) return readNumber(source, start, start + 1);
  WORD.lastIndex = start + 1;
  if (!WORD.test(source)) {
    throw new FilterSyntaxError(`'-' must start an operator`, source, start, start + 1, `Operators: ${OPERATORS.map((o) => `-${o}`).join(' ')}.`);
  }
  const end = WORD.lastIndex;
  const word = source.slice(start + 1, end);
  // ASCII-only folding: `-ＥＱ` or a dotless-ı spelling must not sneak in as an operator.
  const name = OPERATORS.find((operator) => operator === word.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  if (name) return { kind: 'operator', name, start, end };
  const guesses = suggest(word, OPERATORS).map((o) => `-${o}`);
  throw new FilterSyntaxError(
    `unknown operator ${quote(`-${word}`)}`,
    source,
    start,
    end,
    `${guesses.length > 0 ? `Did you mean ${orList(guesses)}? ` : ''}Operators: ${OPERATORS.map((o) => `-${o}`).join(' ')}.`,
  );
}

/** `$true`, `$false`, `$null`, any case; `nameStart` is after the `$` (or after `` `$ ``). */
function readConstant(source: string, start: number, nameStart: number): Token {
  WORD.lastIndex = nameStart;
  const end = WORD.test(source) ? WORD.lastIndex : nameStart;
  const name = source.slice(nameStart, end).replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (name === 'true') return { kind: 'constant', value: true, start, end };
  if (name === 'false') return { kind: 'constant', value: false, start, end };
  if (name === 'null') return { kind: 'constant', value: null, start, end };
  throw new FilterSyntaxError(
    `unknown variable ${quote(source.slice(start, end))}`,
    source,
    start,
    Math.max(end, start + 1),
    'Only $true, $false and $null can be used; quote other text.',
  );
}

/** Digits with an optional fraction; `numberStart` is after a leading minus sign. */
function readNumber(source: string, start: number, numberStart: number): Token {
  NUMBER.lastIndex = numberStart;
  NUMBER.test(source);
  const end = NUMBER.lastIndex;
  WORD.lastIndex = end;
  if (WORD.test(source) || source[end] === '.') {
    const stop = Math.max(WORD.lastIndex, end + 1);
    throw new FilterSyntaxError(`invalid number ${quote(source.slice(start, stop))}`, source, start, stop, 'Quote text values.');
  }
  return { kind: 'number', text: source.slice(start, end), start, end };
}

function unexpectedCharacter(source: string, start: number): FilterSyntaxError {
  const char = String.fromCodePoint(source.codePointAt(start) as number);
  const end = start + char.length;
  let hint: string | undefined;
  if ('\u2018\u2019\u201a\u201b\u201c\u201d\u201e'.includes(char)) hint = `Use straight quotes ' or ".`;
  else if ('\u2013\u2014\u2015\u2212'.includes(char)) hint = `Use a plain '-' before operators.`;
  else if (char === '!') hint = 'Use -not.';
  else if (char === '=' || char === '<' || char === '>') hint = 'Use -eq, -ne, -lt, -gt, -le or -ge.';
  else if (char === '&' || char === '|') hint = 'Use -and or -or.';
  return new FilterSyntaxError(`unexpected character ${quote(char)}`, source, start, end, hint);
}
