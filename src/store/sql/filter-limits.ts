import { UsageError } from '../../core/errors.js';
import { locateInFilter, type ComparisonNode, type FilterAst, type SourceSpan } from '../../filter/index.js';

/**
 * What the SQL stores cannot run (SQLite's limits, the tightest), refused before compiling: a UsageError (exit 2) located in the filter
 * as the parser locates its own errors. Checked in source order, so the error is the one the
 * user meets first reading the filter.
 */
export function checkFilterLimits(ast: FilterAst): void {
  checkLimits(ast, { comparisons: 0 });
}

/** Keeps the SQL under SQLite's limit on bound parameters, with room to spare. */
const MAX_COMPARISONS = 1000;

/** SQLite refuses LIKE patterns over 50,000 bytes; this many UTF-16 units stays below, escapes included. */
const MAX_PATTERN_LENGTH = 10_000;

function checkLimits(ast: FilterAst, count: { comparisons: number }): void {
  switch (ast.kind) {
    case 'and':
    case 'or':
      for (const operand of ast.operands) checkLimits(operand, count);
      return;
    case 'not':
      checkLimits(ast.operand, count);
      return;
    case 'comparison': {
      const { operator, value } = ast;
      if ((operator === 'like' || operator === 'notlike') && value.type === 'string' && value.value.length > MAX_PATTERN_LENGTH) {
        throw limitError(ast, ast.valueSpan, `-${operator} patterns are limited to ${MAX_PATTERN_LENGTH} characters`);
      }
      count.comparisons++;
      if (count.comparisons > MAX_COMPARISONS) {
        throw limitError(ast, ast.propertySpan, `the filter has more than ${MAX_COMPARISONS} comparisons`, 'Split it into several runs.');
      }
    }
  }
}

function limitError(node: ComparisonNode, span: SourceSpan, reason: string, hint?: string): UsageError {
  return new UsageError(locateInFilter(reason, node.source, span.start, span.end, hint).message);
}
