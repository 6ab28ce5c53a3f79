import type { ComparisonNode, ComparisonOperator, FilterAst, FilterValue, PropertyRef } from './ast.js';
import { normaliseDate } from './dates.js';
import { FilterSyntaxError, quote } from './errors.js';
import { tokenize, type OperatorName, type Token, type TokenKind } from './lexer.js';
import type { FilterProperty, FilterSchema } from './schema.js';
import { unknownNameHint } from './suggest.js';

/**
 * Parses an OPATH filter (`-Filter`) over the schema's properties into a FilterAst, checking
 * every value against its property's type so the back-ends never meet a nonsensical
 * comparison. Recursive descent in the style of graphql-js: one method per grammar rule, with
 * the rule above it. Throws FilterSyntaxError.
 *
 * Precedence, loosest first: -or, -and, -not (prefix), comparison or parenthesised filter.
 */
export function parseFilter(text: string, schema: FilterSchema): FilterAst {
  return new Parser(text, schema).parseFilter();
}

const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'like', 'notlike'];
const ORDERING_OPERATORS: readonly ComparisonOperator[] = ['lt', 'gt', 'le', 'ge'];

/**
 * Levels of parentheses and -not together: deep enough for any real filter, shallow enough that
 * this parser and every recursive back-end stay far from the stack's end (and SQL from SQLite's
 * expression depth limit, 1000). Limits of a store's query language are the store's to check.
 */
const MAX_NESTING = 100;

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private nesting = 0;
  private readonly example: string;

  constructor(
    private readonly source: string,
    private readonly schema: FilterSchema,
  ) {
    this.tokens = tokenize(source);
    this.example = `e.g. ${schema.example}`;
  }

  /**
   * Filter : '{' Expression '}' EOF
   *        | Expression EOF
   */
  parseFilter(): FilterAst {
    if (this.peek('eof')) throw this.error('the filter is empty', this.token, `Write a comparison, ${this.example}.`);
    if (this.peek('{')) {
      this.advance();
      const expression = this.parseExpression();
      this.expectToken('}', `-and, -or or '}'`);
      this.expectToken('eof', 'the end of the filter after the closing }');
      return expression;
    }
    const expression = this.parseExpression();
    this.expectToken('eof', '-and, -or or the end of the filter');
    return expression;
  }

  /**
   * Expression : AndExpression ( '-or' AndExpression )*
   */
  private parseExpression(): FilterAst {
    const operands = [this.parseAndExpression()];
    while (this.peekOperator('or')) {
      this.advance();
      operands.push(this.parseAndExpression());
    }
    return operands.length === 1 ? (operands[0] as FilterAst) : { kind: 'or', operands, ...spanOf(operands) };
  }

  /**
   * AndExpression : UnaryExpression ( '-and' UnaryExpression )*
   */
  private parseAndExpression(): FilterAst {
    const operands = [this.parseUnaryExpression()];
    while (this.peekOperator('and')) {
      this.advance();
      operands.push(this.parseUnaryExpression());
    }
    return operands.length === 1 ? (operands[0] as FilterAst) : { kind: 'and', operands, ...spanOf(operands) };
  }

  /**
   * UnaryExpression : '-not' UnaryExpression
   *                 | Primary
   */
  private parseUnaryExpression(): FilterAst {
    if (!this.peekOperator('not')) return this.parsePrimary();
    const not = this.advance();
    const operand = this.nested(not, () => this.parseUnaryExpression());
    return { kind: 'not', operand, start: not.start, end: operand.end };
  }

  /**
   * Primary : '(' Expression ')'
   *         | Comparison
   */
  private parsePrimary(): FilterAst {
    if (!this.peek('(')) return this.parseComparison();
    const open = this.advance();
    const expression = this.nested(open, () => this.parseExpression());
    const close = this.expectToken(')', `-and, -or or ')'`, `The '(' at column ${this.columnOf(open)} is not closed.`);
    // The span widens to the parentheses so that errors about the group point at all of it.
    return { ...expression, start: open.start, end: close.end };
  }

  /**
   * Comparison : Property ComparisonOperator Value
   */
  private parseComparison(): ComparisonNode {
    const propertyToken = this.token;
    const property = this.parseProperty();
    const operator = this.parseComparisonOperator(property);
    const valueToken = this.token;
    const checked = this.parseValue(property, operator);
    return {
      kind: 'comparison',
      property: { name: property.name, type: property.type } satisfies PropertyRef,
      ...checked,
      start: propertyToken.start,
      end: valueToken.end,
      source: this.source,
      propertySpan: { start: propertyToken.start, end: propertyToken.end },
      valueSpan: { start: valueToken.start, end: valueToken.end },
    };
  }

  /**
   * Property : Word
   */
  private parseProperty(): FilterProperty {
    const token = this.expectToken('word', 'a property name', `A comparison is written Property -operator Value, ${this.example}.`);
    const property = this.schema.find(token.text);
    if (property) return property;
    const names = this.schema.properties.map((p) => p.name);
    throw this.error(`unknown property ${quote(token.text)}`, token, unknownNameHint(token.text, names, 'Filterable properties', this.schema.listedBy));
  }

  /**
   * ComparisonOperator : '-eq' | '-ne' | '-lt' | '-gt' | '-le' | '-ge' | '-like' | '-notlike'
   */
  private parseComparisonOperator(property: FilterProperty): ComparisonOperator {
    const token = this.token;
    const operator = token.kind === 'operator' ? COMPARISON_OPERATORS.find((o) => o === token.name) : undefined;
    if (!operator) {
      throw this.unexpected(
        token,
        `a comparison operator after ${property.name}`,
        `Operators: ${COMPARISON_OPERATORS.map((o) => `-${o}`).join(' ')}.`,
      );
    }
    if (property.type !== 'string' && (operator === 'like' || operator === 'notlike')) {
      throw this.error(`-${operator} cannot compare ${property.name} (a ${property.type})`, token, `-${operator} only applies to text. ${this.typeHint(property)}`);
    }
    if (property.type === 'boolean' && ORDERING_OPERATORS.includes(operator)) {
      throw this.error(`-${operator} cannot compare ${property.name} (a boolean)`, token, this.typeHint(property));
    }
    this.advance();
    return operator;
  }

  /**
   * Value : String | Number | '$true' | '$false' | '$null'
   *
   * The literal is checked against the property's type here and normalised (dates to ISO,
   * `''` to $null, the property's normaliseText applied), so all back-ends see one meaning.
   */
  private parseValue(property: FilterProperty, operator: ComparisonOperator): { operator: ComparisonOperator; value: FilterValue } {
    const token = this.token;
    if (token.kind !== 'string' && token.kind !== 'number' && token.kind !== 'constant') {
      throw this.unexpected(token, `a value after -${operator}`, this.missingValueHint(property, token));
    }
    this.advance();
    const value = this.literalFor(property, token);
    const ordering = ORDERING_OPERATORS.includes(operator);
    if (value.type === 'null') {
      if (ordering) throw this.error(`-${operator} needs a value, not $null or ''`, token, `Use -eq $null or -ne $null to test for a missing value.`);
      // `-like ''` can only match an empty value, which counts as missing: it is `-eq $null`.
      if (operator === 'like') return { operator: 'eq', value };
      if (operator === 'notlike') return { operator: 'ne', value };
      return { operator, value };
    }
    return { operator, value };
  }

  /** The literal as the property's type reads it; `''` becomes $null (empty counts as missing). */
  private literalFor(property: FilterProperty, token: Extract<Token, { kind: 'string' | 'number' | 'constant' }>): FilterValue {
    if (token.kind === 'constant' && token.value === null) return { type: 'null' };
    switch (property.type) {
      case 'boolean':
        if (token.kind === 'constant') return { type: 'boolean', value: token.value as boolean };
        throw this.error(`${property.name} is $true or $false, not ${describe(token)}`, token, booleanSpelling(token) ?? this.typeHint(property));
      case 'date': {
        if (token.kind !== 'string') throw this.error(`${property.name} is a date, not ${describe(token)}`, token, this.typeHint(property));
        if (token.value.trim() === '') return { type: 'null' };
        const date = normaliseDate(token.value);
        if (date === null) throw this.error(`invalid date ${quote(token.value)} for ${property.name}`, token, this.typeHint(property));
        return { type: 'date', value: date };
      }
      case 'string': {
        if (token.kind === 'constant') {
          throw this.error(`${property.name} is text, not ${describe(token)}`, token, `$true and $false only compare with boolean properties; quote text.`);
        }
        if (token.kind === 'number') {
          const text = canonicalDecimal(token.text);
          return { type: 'number', value: Number(text), text };
        }
        const text = property.normaliseText ? property.normaliseText(token.value) : token.value;
        if (text === '') return { type: 'null' };
        if (text.includes('\0')) {
          throw this.error('text values cannot contain a NUL character', token);
        }
        return { type: 'string', value: text };
      }
    }
  }

  /**
   * No value after an operator. Before `-and`, `-or`, `)` or the end, the likeliest cause is a
   * shell that expanded an unquoted $false or $true to nothing; a bare word is text to quote, or
   * for a boolean, `false` meant as $false.
   */
  private missingValueHint(property: FilterProperty, token: Token): string {
    if (token.kind === 'word') {
      return (property.type === 'boolean' ? booleanSpelling(token) : undefined) ?? `Quote text values: '${token.text.replaceAll("'", "''")}'.`;
    }
    const shellAteIt = token.kind === 'eof' || token.kind === ')' || token.kind === '}' || (token.kind === 'operator' && (token.name === 'and' || token.name === 'or'));
    if (property.type === 'boolean' && shellAteIt) {
      return `If you typed $false or $true, your shell removed it: quote the filter in single quotes, e.g. --filter '${property.name} -eq $false'.`;
    }
    return this.typeHint(property);
  }

  private typeHint(property: FilterProperty): string {
    switch (property.type) {
      case 'boolean':
        return `${property.name} compares with -eq or -ne and $true or $false, e.g. ${property.name} -eq $false.`;
      case 'date':
        return `${property.name} takes a date: 2026-01-31, 2026-01-31T10:00:00Z, 1/31/2026 or, quoted, '1/31/2026 10:00 AM' (UTC).`;
      case 'string':
        return `${property.name} takes quoted text, e.g. ${property.name} -eq 'Sales'.`;
    }
  }

  private nested<T>(token: Token, parse: () => T): T {
    this.nesting++;
    if (this.nesting > MAX_NESTING) throw this.error(`the filter nests deeper than ${MAX_NESTING} levels`, token);
    const result = parse();
    this.nesting--;
    return result;
  }

  private get token(): Token {
    return this.tokens[this.index] as Token;
  }

  private peek(kind: TokenKind): boolean {
    return this.token.kind === kind;
  }

  private peekOperator(name: OperatorName): boolean {
    const token = this.token;
    return token.kind === 'operator' && token.name === name;
  }

  private advance(): Token {
    const token = this.token;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  /** Consumes a token of the given kind, or fails saying what was expected instead. */
  private expectToken<K extends TokenKind>(kind: K, expected: string, hint?: string): Extract<Token, { kind: K }> {
    const token = this.token;
    if (token.kind !== kind) throw this.unexpected(token, expected, hint);
    this.advance();
    return token as Extract<Token, { kind: K }>;
  }

  /** "expected X, found Y", located at the token found. */
  private unexpected(token: Token, expected: string, hint?: string): FilterSyntaxError {
    return this.error(`expected ${expected}, found ${describe(token)}`, token, hint);
  }

  private error(reason: string, token: Token, hint?: string): FilterSyntaxError {
    return new FilterSyntaxError(reason, this.source, token.start, token.end, hint);
  }

  private columnOf(token: Token): number {
    return Array.from(this.source.slice(0, token.start)).length + 1;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the filter';
    case '(':
    case ')':
    case '{':
    case '}':
      return `'${token.kind}'`;
    case 'operator':
      return `-${token.name}`;
    case 'string':
      return `the text ${quote(token.value)}`;
    case 'number':
      return `the number ${token.text}`;
    case 'constant':
      return token.value === null ? '$null' : `$${String(token.value)}`;
    case 'word':
      return quote(token.text);
  }
}

function spanOf(nodes: readonly FilterAst[]): { start: number; end: number } {
  return { start: (nodes[0] as FilterAst).start, end: (nodes[nodes.length - 1] as FilterAst).end };
}

/**
 * The decimal text a number compares as: no leading zeros, no trailing fractional zeros.
 * Done on the text, not through a double, so 20-digit employee numbers survive intact.
 */
function canonicalDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction] = match;
  const integer = (whole as string).replace(/^0+(?=\d)/, '');
  const decimals = (fraction ?? '').replace(/0+$/, '');
  const result = `${integer}${decimals ? `.${decimals}` : ''}`;
  return result === '0' ? result : `${sign}${result}`;
}

/** `false`, `'false'`, `0`: a boolean written another way, for which OPATH has $false (and $true). */
function booleanSpelling(token: Token): string | undefined {
  const text = token.kind === 'word' || token.kind === 'number' ? token.text : token.kind === 'string' ? token.value : undefined;
  const word = text?.trim().toLowerCase();
  if (word === 'false' || word === '0') return `Write $false (with the dollar sign, unquoted inside the filter), not ${describe(token)}.`;
  if (word === 'true' || word === '1') return `Write $true (with the dollar sign, unquoted inside the filter), not ${describe(token)}.`;
  return undefined;
}
