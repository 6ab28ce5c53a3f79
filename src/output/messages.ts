import { styleText } from 'node:util';
import { printableLines } from '../core/printable.js';

/**
 * Warnings and per-item errors on stderr, worded and prefixed like the Exchange Management Shell's,
 * so scripts that match on them keep working. Counts errors for the exit code. Messages quote
 * untrusted names, so no control character in them reaches the terminal (see escape.ts).
 */
export class Messages {
  errors = 0;

  constructor(
    private readonly stderr: { write(text: string): unknown },
    private readonly colour: boolean,
  ) {}

  warning(text: string): void {
    this.stderr.write(`${this.paint('yellow', 'WARNING:')} ${printableLines(text)}\n`);
  }

  error(text: string): void {
    this.errors++;
    this.stderr.write(`${this.paint('red', 'ERROR:')} ${printableLines(text)}\n`);
  }

  /** Progress and summaries: not data, so stderr, but not a problem either. */
  info(text: string): void {
    this.stderr.write(`${printableLines(text)}\n`);
  }

  private paint(colour: 'yellow' | 'red', text: string): string {
    return paint(this.colour, colour, text);
  }
}

/**
 * The line a failed run ends with, for casctl's errors and commander's usage errors alike:
 * `casctl: …`, the prefix red when `colour` (a terminal, no NO_COLOR). Its own line breaks stay.
 */
export function failureLine(text: string, colour: boolean): string {
  return `${paint(colour, 'red', 'casctl:')} ${printableLines(text)}\n`;
}

function paint(on: boolean, colour: 'yellow' | 'red', text: string): string {
  // The colour decision is made once, for stderr; styleText would otherwise judge stdout.
  return on ? styleText(colour, text, { validateStream: false }) : text;
}
