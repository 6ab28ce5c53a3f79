/**
 * A filter the parser rejected, located in the text so the user sees where (graphql-js's
 * printLocation idea, on one line since filters are one line).
 *
 *   Invalid filter: unknown property 'Departmnet' at column 1. Did you mean 'Department'? ...
 *     Departmnet -eq 'Sales'
 *     ^^^^^^^^^^
 *
 * Columns count code points, not UTF-16 units, so the caret sits under the right character
 * when the filter holds letters outside the BMP. The application decides what it means to the
 * user (casctl: a usage error, exit code 2).
 */
export class FilterSyntaxError extends Error {
  /** UTF-16 offset of the offending text in the filter. */
  readonly offset: number;
  /** 1-based column (in code points) of `offset`. */
  readonly column: number;
  /** End offset (exclusive) of the offending text. */
  readonly end: number;
  readonly reason: string;
  readonly filter: string;

  constructor(reason: string, filter: string, start: number, end: number = start + 1, hint?: string) {
    const location = locateInFilter(reason, filter, start, end, hint);
    super(location.message);
    this.name = 'FilterSyntaxError';
    this.offset = location.offset;
    this.column = location.column;
    this.end = location.end;
    this.reason = reason;
    this.filter = filter;
  }
}

export interface FilterLocation {
  /** `Invalid filter: <reason> at column <n>. <hint>`, the filter (or a window of it) and a caret line. */
  message: string;
  offset: number;
  column: number;
  end: number;
}

/**
 * The located message of FilterSyntaxError, for a back-end that rejects a parsed filter
 * (a comparison node keeps its source and spans) and reports it in the parser's words.
 */
export function locateInFilter(reason: string, filter: string, start: number, end: number = start + 1, hint?: string): FilterLocation {
  const offset = clamp(start, 0, filter.length);
  const stop = clamp(end, offset, filter.length);
  const column = codePointLength(filter.slice(0, offset)) + 1;
  const width = Math.max(1, codePointLength(filter.slice(offset, stop)));
  const excerpt = window(Array.from(displayable(filter)), column - 1, width);
  const lines = [
    `Invalid filter: ${reason} at column ${column}.${hint ? ` ${hint}` : ''}`,
    `  ${excerpt.text}`,
    `  ${' '.repeat(excerpt.caret)}${'^'.repeat(excerpt.width)}`,
  ];
  return { message: lines.join('\n'), offset, column, end: stop };
}

/**
 * User text quoted inside a message. Control characters are escaped so that a filter cannot
 * smuggle terminal escape sequences or line breaks into the error output.
 */
export function quote(text: string): string {
  return `'${text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** One code point per code point, so columns computed on the filter stay valid on this line. */
function displayable(filter: string): string {
  return filter.replace(/\p{Cc}/gu, ' ');
}

const WINDOW = 100;
const CONTEXT = 40;

/** A long filter is shown around the error only, so the caret stays on screen. */
function window(chars: string[], at: number, width: number): { text: string; caret: number; width: number } {
  if (chars.length <= WINDOW) return { text: chars.join(''), caret: at, width };
  const start = Math.max(0, Math.min(at - CONTEXT, chars.length - WINDOW));
  const end = Math.min(chars.length, start + WINDOW);
  const before = start > 0 ? '…' : '';
  const after = end < chars.length ? '…' : '';
  return {
    text: `${before}${chars.slice(start, end).join('')}${after}`,
    caret: before.length + at - start,
    width: Math.max(1, Math.min(width, end + after.length - at)),
  };
}

function codePointLength(text: string): number {
  return Array.from(text).length;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
