/** Printable ASCII: one column per character, the case of nearly every cell of a directory listing. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** True for text with nothing to escape or measure: printable ASCII only. */
export const isPrintableAscii = (text: string): boolean => PRINTABLE_ASCII.test(text);
/** Code points that take no column of their own: marks, joiners, variation selectors, format characters. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\p{Emoji_Modifier}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const ZWJ = 0x200d;
const VS16 = 0xfe0f;
const isRegionalIndicator = (cp: number): boolean => cp >= 0x1f1e6 && cp <= 0x1f1ff;

/** East Asian Wide and Fullwidth blocks (Markus Kuhn's wcwidth ranges, widened to today's CJK extensions). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf],
  [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1b000, 0x1b2ff], [0x1f200, 0x1f2ff], [0x20000, 0x3fffd],
];
const isWide = (cp: number): boolean => WIDE.some(([from, to]) => cp >= from && cp <= to);

const ELLIPSIS = '…';

/**
 * Terminal columns of cell text, in one pass over its code points. string-width would be exact
 * for more scripts, but it segments graphemes with Intl.Segmenter, which on Node 20 costs tens of
 * microseconds a call and grows quadratically with the text (a 1 MB value: minutes); a table of
 * 50k rows measures 200k cells. So: ASCII by its length, and anything else by rules that give
 * string-width's answer for letters with accents, CJK, emoji with their modifiers, ZWJ sequences
 * and flags: marks and joiners take nothing, a pictograph joined by ZWJ takes nothing more, the
 * second flag letter nothing, emoji and East Asian wide characters two columns.
 */
export class TextWidth {
  of(text: string): number {
    return PRINTABLE_ASCII.test(text) ? text.length : scan(text, Infinity).width;
  }

  /** `text` cut to at most `width` columns, an ellipsis in its last one; never inside a character and its marks, an emoji sequence or a flag. */
  cut(text: string, width: number): string {
    if (width < 1) return '';
    if (PRINTABLE_ASCII.test(text)) return text.length <= width ? text : `${text.slice(0, width - 1)}${ELLIPSIS}`;
    const whole = scan(text, width);
    if (whole.end === text.length) return text;
    return `${text.slice(0, scan(text, width - 1).end)}${ELLIPSIS}`;
  }
}

/** The width of `text`, up to the last character that keeps it within `limit` columns; `end` is where that stops. */
function scan(text: string, limit: number): { width: number; end: number } {
  let width = 0;
  let previous = 0;
  let pendingFlag = false;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const size = cp > 0xffff ? 2 : 1;
    const add = columns(cp, previous, pendingFlag);
    if (add > 0 && width + add > limit) break;
    if (isRegionalIndicator(cp)) pendingFlag = !pendingFlag;
    else pendingFlag = false;
    width += add;
    previous = cp;
    i += size;
  }
  return { width, end: i };
}

function columns(cp: number, previous: number, pendingFlag: boolean): number {
  if (cp >= 0x20 && cp <= 0x7e) return 1;
  const char = String.fromCodePoint(cp);
  // A pictograph shown as text (❤) takes its second column when VS16 asks for emoji presentation (❤️).
  if (cp === VS16) return PICTOGRAPHIC.test(String.fromCodePoint(previous)) && columns(previous, 0, false) === 1 ? 1 : 0;
  if (ZERO_WIDTH.test(char)) return 0;
  if (previous === ZWJ && PICTOGRAPHIC.test(char)) return 0;
  if (isRegionalIndicator(cp)) return pendingFlag ? 0 : 2;
  return EMOJI_PRESENTATION.test(char) || isWide(cp) ? 2 : 1;
}
