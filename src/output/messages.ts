import type { Writable } from 'node:stream';
import { styleText } from 'node:util';

/**
 * Warnings and per-item errors on stderr, worded and prefixed like the Exchange Management Shell's,
 * so scripts that match on them keep working. Counts errors for the exit code.
 */
export class Messages {
  errors = 0;
  warnings = 0;

  constructor(
    private readonly stderr: Writable,
    private readonly colour: boolean,
  ) {}

  warning(text: string): void {
    this.warnings++;
    this.stderr.write(`${this.paint('yellow', 'WARNING:')} ${text}\n`);
  }

  error(text: string): void {
    this.errors++;
    this.stderr.write(`${this.paint('red', 'ERROR:')} ${text}\n`);
  }

  /** Progress and summaries: not data, so stderr, but not a problem either. */
  info(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  private paint(colour: 'yellow' | 'red', text: string): string {
    // The colour decision is made once, for stderr; styleText would otherwise judge stdout.
    return this.colour ? styleText(colour, text, { validateStream: false }) : text;
  }
}
