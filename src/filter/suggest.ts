import { fold } from './text.js';

/**
 * "Did you mean": the one ranking every unknown name goes through (filter properties and
 * operators, --property, CSV columns, OUs, identities). The distance is the few lines below, not
 * a library: the filter language imports nothing (it could be published alone), and they count
 * a swap of two neighbours, the commonest typo, as one edit.
 */

/** Case and accents folded (NFD, combining marks dropped), so `jose garcia` finds `José García`. */
export function looseFold(text: string): string {
  const folded = fold(text);
  // Most names are ASCII: normalising them is wasted work on a million of them.
  return isAscii(folded) ? folded : folded.normalize('NFD').replace(COMBINING_MARKS, '');
}
const COMBINING_MARKS = /\p{M}/gu;

/** A loop, not a regular expression: several times faster on the short texts names are. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The most edits a typo of `folded` may cost: 40% of its length, after graphql-js's
 * suggestionList, so `Departmnet` finds `Department` but `Foo` does not drag in every
 * three-letter name.
 */
export function typoThreshold(folded: string): number {
  return Math.floor(folded.length * 0.4) + 1;
}

/** The edit distance of two folded texts, or null when it is over `threshold`. */
export function distanceWithin(a: string, b: string, threshold: number): number | null {
  const d = editDistance(a, b, threshold);
  return d <= threshold ? d : null;
}

/** "Did you mean" candidates for a misspelt name, closest first; none when nothing is close. */
export function suggest(input: string, candidates: readonly string[], limit = 3): string[] {
  const folded = looseFold(input);
  const threshold = typoThreshold(folded);
  return ranked(folded, candidates, threshold).slice(0, limit);
}

/** The candidates within `threshold` of `folded`, closest first, ties in alphabetical order. */
function ranked(folded: string, candidates: readonly string[], threshold: number): string[] {
  return candidates
    .map((candidate) => ({ candidate, distance: distanceWithin(folded, looseFold(candidate), threshold) }))
    .filter((c): c is { candidate: string; distance: number } => c.distance !== null)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .map(({ candidate }) => candidate);
}

/** A list this long is shown whole; a longer one is cut to SHORT_LIST names and a count. */
const SHOWN_WHOLE = 8;
const SHORT_LIST = 5;

/**
 * The names a message offers, kept short: a list of at most SHOWN_WHOLE names whole, else the
 * SHORT_LIST closest to `input` and how many more there are, and `listedBy` (where to see them all).
 */
export function shortList(names: readonly string[], input: string, listedBy?: string): string {
  if (names.length <= SHOWN_WHOLE) return names.join(', ');
  const shown = ranked(looseFold(input), names, Number.POSITIVE_INFINITY).slice(0, SHORT_LIST);
  return `${shown.join(', ')} … and ${names.length - shown.length} more${listedBy === undefined ? '' : `; ${listedBy}`}`;
}

/**
 * What a message says after "unknown <kind> 'x'": the closest names, then a short list of all
 * (`label: a, b, … and N more`), e.g. "Did you mean 'Department'? Filterable properties: ...".
 */
export function unknownNameHint(input: string, names: readonly string[], label: string, listedBy?: string): string {
  const guesses = suggest(input, names);
  return `${guesses.length > 0 ? `Did you mean ${orList(guesses)}? ` : ''}${label}: ${shortList(names, input, listedBy)}.`;
}

/** `'A', 'B' or 'C'` for a message. */
export function orList(items: readonly string[]): string {
  return orJoin(items.map((item) => `'${item}'`));
}

/** `A, B or C`. */
export function orJoin(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbours), or `max + 1` when
 * it is over `max`. Only the diagonal band `max` wide is computed, stopping once a whole row is
 * over `max`, in three rows of the matrix reused between calls: a million names are ranked on the
 * error path of a lookup, and a whole matrix allocated per name was most of the cost.
 */
function editDistance(a: string, b: string, limit: number): number {
  // No distance is over the longer length: a finite bound the Int32Array holds, even for Infinity.
  const max = Math.min(limit, Math.max(a.length, b.length));
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  const width = b.length + 2;
  if (rows.length < 3 * width) rows = new Int32Array(6 * width);
  // The row before the previous one, the previous one and this one, taking turns.
  let twoBack = 0;
  let above = width;
  let row = 2 * width;
  for (let j = 0; j < width; j++) rows[above + j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(b.length, i + max);
    rows[row + lo - 1] = lo === 1 && i <= max ? i : over;
    let least = rows[row + lo - 1] as number;
    for (let j = lo; j <= hi; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min((rows[above + j] as number) + 1, (rows[row + j - 1] as number) + 1, (rows[above + j - 1] as number) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, (rows[twoBack + j - 2] as number) + 1);
      }
      rows[row + j] = Math.min(best, over);
      least = Math.min(least, best);
    }
    // The next row reads one cell past this row's band.
    rows[row + hi + 1] = over;
    if (least > max) return over;
    [twoBack, above, row] = [above, row, twoBack];
  }
  return Math.min(rows[above + b.length] as number, over);
}
let rows = new Int32Array(0);
