import { fold } from './text.js';

/**
 * "Did you mean" candidates for a misspelt name, closest first. The threshold follows
 * graphql-js's suggestionList: a typo may cost up to 40% of the word's length, so
 * `Departmnet` finds `Department` but `Foo` does not drag in every three-letter name.
 */
export function suggest(input: string, candidates: readonly string[], limit = 3): string[] {
  const folded = fold(input);
  const threshold = Math.floor(folded.length * 0.4) + 1;
  return candidates
    // The distance is at least the length difference: skipping those keeps random input cheap.
    .filter((candidate) => Math.abs(candidate.length - folded.length) <= threshold)
    .map((candidate) => ({ candidate, distance: editDistance(folded, fold(candidate)) }))
    .filter(({ distance }) => distance <= threshold)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** Optimal string alignment distance: Levenshtein plus swapping two neighbours, the commonest typo. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** `'A', 'B' or 'C'` for a message. */
export function orList(items: readonly string[]): string {
  const quoted = items.map((item) => `'${item}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
