import type { PropertyType } from './schema.js';

/**
 * The typed tree every OPATH back-end reads: the in-memory evaluator (evaluate.ts) and each
 * store's compiler (SQL, LDAP). The parser has already checked and normalised values
 * against the property's type, so a back-end never re-validates, it only translates; a
 * back-end maps property names to its own storage.
 *
 * Semantics the three back-ends share (the property tests hold them to it):
 *
 * - Two-valued logic. A missing value (null, or an empty string: both read as "not set")
 *   makes `eq`, `lt`, `gt`, `le`, `ge` and `like` false. `ne` is exactly `-not eq` and
 *   `notlike` exactly `-not like`, so `Department -ne 'Sales'` includes mailboxes with no
 *   department, and `-not` is exact negation. SQL's NULL must therefore never reach a NOT.
 * - `-eq $null` matches a missing value, `-ne $null` a present one. A boolean is never missing.
 *   The parser turns `-eq ''` / `-like ''` into `-eq $null` (and `-ne`/`-notlike` alike).
 * - Strings compare case-insensitively under `fold()` (text.ts). Ordering is by
 *   code point of the folded strings, which is also the byte order of their UTF-8.
 *   Known gap: the SQL back-end compares pure-ASCII literals with SQLite's NOCASE (so indexes
 *   are used), which differs from `fold()` only for values holding U+0130 (İ) or U+212A
 *   (Kelvin sign), the two characters whose lower case contains an ASCII letter.
 * - `-like`: `*` matches any run of characters (also none), every other character is literal.
 *   An empty value never matches, not even `*`.
 * - Booleans compare with `eq`/`ne` only. Dates are ISO 8601 UTC text
 *   (`YYYY-MM-DDTHH:MM:SS.sssZ`, the store's form) and compare as text.
 * - Multi-valued properties (casctl's EmailAddresses): `eq`, `like` and the orderings match when
 *   ANY present value does; `ne`/`notlike` are their negations (no value matches);
 *   `-eq $null` means no present value at all. A property's `normaliseText` (schema.ts) has
 *   already been applied to text literals (casctl drops an `smtp:` prefix: addresses are stored bare).
 * - A number compared with a string property compares as its decimal text (`007` → `7`).
 */

/** Offsets are UTF-16 indexes into the filter text, end exclusive, like `String#slice`. */
export interface SourceSpan {
  start: number;
  end: number;
}

export type ComparisonOperator = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'like' | 'notlike';

export type FilterValue =
  | { type: 'string'; value: string }
  /** `text` is the canonical decimal form, kept because a double would round long digit runs. */
  | { type: 'number'; value: number; text: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  /** Normalised to `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  | { type: 'date'; value: string };

/** A property as a comparison names it: what a back-end needs to look up its own mapping. */
export interface PropertyRef {
  name: string;
  type: PropertyType;
}

export interface ComparisonNode extends SourceSpan {
  kind: 'comparison';
  property: PropertyRef;
  operator: ComparisonOperator;
  value: FilterValue;
  /**
   * The filter text and where the property name and the value are in it, so that a back-end
   * rejecting a comparison (a store's own limits) locates its error as the parser does.
   */
  source: string;
  propertySpan: SourceSpan;
  valueSpan: SourceSpan;
}

/** n-ary so that a long `-and` chain does not become a deep tree for the back-ends to recurse. */
export interface AndNode extends SourceSpan {
  kind: 'and';
  operands: FilterAst[];
}

export interface OrNode extends SourceSpan {
  kind: 'or';
  operands: FilterAst[];
}

export interface NotNode extends SourceSpan {
  kind: 'not';
  operand: FilterAst;
}

export type FilterAst = AndNode | OrNode | NotNode | ComparisonNode;

/** The positive operator a negated one is defined by (`ne` = not `eq`, `notlike` = not `like`). */
export function positiveOperator(operator: ComparisonOperator): { operator: Exclude<ComparisonOperator, 'ne' | 'notlike'>; negated: boolean } {
  if (operator === 'ne') return { operator: 'eq', negated: true };
  if (operator === 'notlike') return { operator: 'like', negated: true };
  return { operator, negated: false };
}

/** The text a string or date property is compared with; numbers compare as their decimal text. */
export function operandText(value: Extract<FilterValue, { type: 'string' | 'number' | 'date' }>): string {
  return value.type === 'number' ? value.text : value.value;
}
