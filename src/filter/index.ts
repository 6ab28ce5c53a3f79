/**
 * The OPATH `-Filter` language (DESIGN.md §3): one lexer and parser over a schema the caller
 * gives, one AST, the in-memory evaluator. It knows no storage: each store compiles the AST to
 * its own query language.
 */
export type { ComparisonNode, ComparisonOperator, FilterAst, FilterValue, PropertyRef, SourceSpan } from './ast.js';
export { operandText, positiveOperator } from './ast.js';
export { FilterSyntaxError, locateInFilter, type FilterLocation } from './errors.js';
export { parseFilter } from './parser.js';
export { createFilterSchema, type FilterProperty, type FilterSchema, type PropertyReader, type PropertyType, type PropertyValue } from './schema.js';
export { evaluateFilter } from './evaluate.js';
export { compareCodePoints, fold, matchesWildcard } from './text.js';
