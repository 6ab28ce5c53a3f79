/** How many terminal columns a text takes, given string-width for the hard cases. */
export type WidthOf = (text: string) => number;

/** Printable ASCII: one column per character, the case of nearly every cell of a directory listing. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const ELLIPSIS = '…';

/**
 * Column widths for table cells. string-width costs a few microseconds per call (it segments
 * graphemes and looks up East Asian widths); a 50k-row table has 200k cells, nearly all ASCII,
 * whose width is their length. So the regex test comes first and string-width only sees the rest.
 */
export class TextWidth {
  private segmenter: Intl.Segmenter | undefined;

  constructor(private readonly wide: WidthOf) {}

  of(text: string): number {
    return PRINTABLE_ASCII.test(text) ? text.length : this.wide(text);
  }

  /** `text` cut to at most `width` columns, an ellipsis in its last one; whole graphemes only (an emoji or an accent is never split). */
  cut(text: string, width: number): string {
    if (this.of(text) <= width) return text;
    if (width < 1) return '';
    const room = width - 1;
    if (PRINTABLE_ASCII.test(text)) return `${text.slice(0, room)}${ELLIPSIS}`;
    this.segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    let kept = '';
    let used = 0;
    for (const { segment } of this.segmenter.segment(text)) {
      const next = this.wide(segment);
      if (used + next > room) break;
      kept += segment;
      used += next;
    }
    return `${kept}${ELLIPSIS}`;
  }
}
