/**
 * Text comparisons shared by the in-memory evaluator and the tests' model of an LDAP server,
 * written to agree with what SQLite does on the other side (see the semantics in ast.ts).
 */

/**
 * Case folding for every case-insensitive comparison of the filter language. The application
 * uses this same function for its own comparisons (identities, OUs), so that a filter and a
 * lookup never disagree on what "the same name" means.
 */
export function fold(text: string): string {
  return text.toLowerCase();
}

/**
 * Code point order, which is the byte order of UTF-8 and so SQLite's BINARY order. JavaScript's
 * `<` compares UTF-16 units instead and disagrees once characters beyond U+FFFF are involved.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  while (true) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const difference = (x.value.codePointAt(0) as number) - (y.value.codePointAt(0) as number);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
}

/**
 * `-like` matching: `*` matches any run of characters, everything else is literal. Both
 * arguments must already be folded. Greedy leftmost matching of the pieces between stars is
 * enough because `*` is the only wildcard; no regular expression means no escaping to get wrong
 * and no backtracking blow-up on patterns like `*a*a*a*a*b`.
 */
export function matchesWildcard(value: string, pattern: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return value === pattern;
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const limit = value.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece === '') continue;
    const found = value.indexOf(piece, position);
    if (found === -1 || found + piece.length > limit) return false;
    position = found + piece.length;
  }
  return true;
}
