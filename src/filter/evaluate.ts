import { operandText, positiveOperator, type ComparisonNode, type FilterAst } from './ast.js';
import type { PropertyReader, PropertyValue } from './schema.js';
import { compareCodePoints, fold, matchesWildcard } from './text.js';

/**
 * Whether an object matches a filter, in memory, reading each property it names with `read`.
 * This is the reference the stores' compilers are tested against, and the client-side re-check
 * behind an inexact one.
 */
export function evaluateFilter<T>(ast: FilterAst, subject: T, read: PropertyReader<T>): boolean {
  switch (ast.kind) {
    case 'and':
      return ast.operands.every((operand) => evaluateFilter(operand, subject, read));
    case 'or':
      return ast.operands.some((operand) => evaluateFilter(operand, subject, read));
    case 'not':
      return !evaluateFilter(ast.operand, subject, read);
    case 'comparison':
      return evaluateComparison(ast, read(subject, ast.property.name));
  }
}

function evaluateComparison(node: ComparisonNode, read: PropertyValue): boolean {
  const { operator, negated } = positiveOperator(node.operator);
  const values = presentValues(read);
  let matches: boolean;
  if (node.value.type === 'null') {
    matches = values.length === 0;
  } else if (node.value.type === 'boolean') {
    const wanted = node.value.value;
    matches = values.some((value) => value === wanted);
  } else {
    const literal = operandText(node.value);
    const test = node.property.type === 'date' ? dateTest(operator, literal) : textTest(operator, literal);
    matches = values.some((value) => typeof value === 'string' && test(value));
  }
  return negated ? !matches : matches;
}

/** Empty strings count as missing, like null (ast.ts). */
function presentValues(read: PropertyValue): (string | boolean)[] {
  const values: readonly (string | boolean | null)[] = typeof read === 'object' && read !== null ? read : [read];
  return values.filter((value): value is string | boolean => value !== null && value !== '');
}

type Test = (value: string) => boolean;

function textTest(operator: 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'like', literal: string): Test {
  const folded = fold(literal);
  if (operator === 'eq') return (value) => fold(value) === folded;
  if (operator === 'like') return (value) => matchesWildcard(fold(value), folded);
  return ordered(operator, (value) => compareCodePoints(fold(value), folded));
}

/** Dates are normalised ISO text on both sides, so they compare exactly, as text. */
function dateTest(operator: 'eq' | 'lt' | 'gt' | 'le' | 'ge' | 'like', literal: string): Test {
  if (operator === 'eq' || operator === 'like') return (value) => value === literal;
  return ordered(operator, (value) => compareCodePoints(value, literal));
}

function ordered(operator: 'lt' | 'gt' | 'le' | 'ge', compare: (value: string) => number): Test {
  switch (operator) {
    case 'lt':
      return (value) => compare(value) < 0;
    case 'gt':
      return (value) => compare(value) > 0;
    case 'le':
      return (value) => compare(value) <= 0;
    case 'ge':
      return (value) => compare(value) >= 0;
  }
}
