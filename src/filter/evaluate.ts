import { fold, type Mailbox } from '../core/mailbox.js';
import { operandText, positiveOperator, type ComparisonNode, type FilterAst } from './ast.js';
import { compareCodePoints, matchesWildcard } from './text.js';

/**
 * Whether a mailbox matches a filter, in memory. This is the reference the SQL and LDAP
 * back-ends are tested against, and the client-side re-check behind an inexact LDAP filter.
 */
export function evaluateFilter(ast: FilterAst, mailbox: Mailbox): boolean {
  switch (ast.kind) {
    case 'and':
      return ast.operands.every((operand) => evaluateFilter(operand, mailbox));
    case 'or':
      return ast.operands.some((operand) => evaluateFilter(operand, mailbox));
    case 'not':
      return !evaluateFilter(ast.operand, mailbox);
    case 'comparison':
      return evaluateComparison(ast, mailbox);
  }
}

function evaluateComparison(node: ComparisonNode, mailbox: Mailbox): boolean {
  const { operator, negated } = positiveOperator(node.operator);
  const values = presentValues(node.property.read(mailbox));
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
function presentValues(read: string | boolean | null | string[]): (string | boolean)[] {
  const values = Array.isArray(read) ? read : [read];
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
