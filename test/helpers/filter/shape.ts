import type { FilterAst, FilterValue } from '../../../src/filter/index.js';

/** A filter tree as a compact s-expression, so table-driven tests read like the grammar. */
export function shape(ast: FilterAst): string {
  switch (ast.kind) {
    case 'and':
    case 'or':
      return `(${ast.kind} ${ast.operands.map(shape).join(' ')})`;
    case 'not':
      return `(not ${shape(ast.operand)})`;
    case 'comparison':
      return `(${ast.operator} ${ast.property.name} ${showValue(ast.value)})`;
  }
}

function showValue(value: FilterValue): string {
  switch (value.type) {
    case 'string':
      return `'${value.value}'`;
    case 'number':
      return `#${value.text}`;
    case 'boolean':
      return `$${String(value.value)}`;
    case 'null':
      return '$null';
    case 'date':
      return `@${value.value}`;
  }
}
