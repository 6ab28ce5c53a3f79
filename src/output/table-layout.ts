import type { TextWidth } from './text-width.js';

/** Spaces between columns, as Format-Table leaves. */
const GAP = 1;
const SPACES = ' '.repeat(256);

const spaces = (count: number): string => (count <= SPACES.length ? SPACES.slice(0, count) : ' '.repeat(count));
const total = (widths: readonly number[]): number => widths.reduce((sum, width) => sum + width, 0);

/**
 * Column widths shrunk so that a line fits `lineWidth`: the widest columns give first, down to a
 * common level, so a long address column is cut before a short True/False one loses anything.
 * At least one column each: past that a line is too long for the terminal and wraps.
 */
export function fitWidths(natural: readonly number[], lineWidth: number): number[] {
  const room = lineWidth - GAP * (natural.length - 1);
  if (total(natural) <= room) return [...natural];
  const atLevel = (level: number): number[] => natural.map((width) => Math.min(width, level));
  // The highest level whose columns fit (the sum grows with the level): a binary search.
  let low = 1;
  let high = Math.max(...natural);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (total(atLevel(mid)) <= room) low = mid;
    else high = mid - 1;
  }
  const widths = atLevel(low);
  // What the level leaves over goes, a column each, to those it cut.
  let spare = room - total(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if ((natural[i] as number) > low) {
      widths[i] = low + 1;
      spare--;
    }
  }
  return widths;
}

export interface Line {
  text: string;
  /** Terminal columns the text takes. */
  width: number;
  /** Whether a cell lost characters to its column. */
  cut: boolean;
}

/** Cells laid out at fixed column starts. */
export class Columns {
  private readonly starts: number[];
  /** Columns a line takes when every cell fits its column. */
  readonly width: number;

  constructor(
    readonly widths: readonly number[],
    private readonly text: TextWidth,
  ) {
    let start = 0;
    this.starts = widths.map((width) => {
      const at = start;
      start += width + GAP;
      return at;
    });
    this.width = Math.max(0, start - GAP);
  }

  /**
   * The cells at their columns. A cell wider than its column pushes the rest of its line to the
   * right (the line realigns at the next cell with room to spare) rather than lose characters;
   * with `cutting`, it is cut to its column instead. Trailing empty cells add no trailing spaces.
   */
  line(cells: readonly string[], cutting = false): Line {
    let last = cells.length - 1;
    while (last >= 0 && cells[last] === '') last--;
    let text = '';
    let at = 0;
    let cut = false;
    for (let i = 0; i <= last; i++) {
      let cell = cells[i] as string;
      let width = this.text.of(cell);
      const room = this.widths[i] as number;
      if (cutting && width > room) {
        cell = this.text.cut(cell, room);
        width = this.text.of(cell);
        cut = true;
      }
      if (i > 0) {
        const gap = Math.max(GAP, (this.starts[i] as number) - at);
        text += spaces(gap);
        at += gap;
      }
      text += cell;
      at += width;
    }
    return { text, width: at, cut };
  }
}
