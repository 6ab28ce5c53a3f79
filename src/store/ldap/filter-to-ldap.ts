import { operandText, positiveOperator, type ComparisonNode, type FilterAst } from '../../filter/index.js';
import { refusesAdministrator } from '../../core/administrator.js';
import { propertyAttribute, type PropertyAttribute } from './property-attributes.js';

export interface LdapFilter {
  /** An RFC 4515 filter string. */
  filter: string;
  /**
   * False when some part could not be expressed in LDAP and was widened: the filter then
   * selects a superset, and the caller must keep only the entries evaluateFilter() accepts.
   */
  exact: boolean;
}

/**
 * Compiles a filter to an LDAP search filter. The string is printed from a small filter tree
 * whose every value passes through escapeValue(): user text never becomes filter syntax.
 *
 * Nodes LDAP cannot express (properties without an attribute, orderings on multi-valued
 * attributes) are replaced by an approximation that errs on the right side. Under `-not` the
 * right side flips: to keep the whole filter a superset, a negated part must be a subset. So
 * compilation carries a polarity, `superset` at the top and swapped at every NOT, and an
 * inexpressible node becomes TRUE where a superset is wanted and FALSE where a subset is.
 *
 * `attributeOf` is where an entry holds a comparison's property (property-attributes.ts); the
 * pushdown answers null for the comparisons it does not trust the server with.
 */
export function filterToLdap(ast: FilterAst, attributeOf: AttributeOf = (node) => propertyAttribute(node.property.name)): LdapFilter {
  const state = { exact: true, attributeOf };
  const tree = compile(ast, 'superset', state);
  return { filter: print(tree), exact: state.exact };
}

type Polarity = 'superset' | 'subset';

export type AttributeOf = (node: ComparisonNode) => PropertyAttribute;

interface State {
  exact: boolean;
  attributeOf: AttributeOf;
}

/** The filter grammar of RFC 4515 that casctl needs, plus constants that print as filters. */
type Ldap =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'and'; children: Ldap[] }
  | { kind: 'or'; children: Ldap[] }
  | { kind: 'not'; child: Ldap }
  | { kind: 'equal' | 'ge' | 'le'; attribute: string; value: string }
  | { kind: 'present'; attribute: string }
  | { kind: 'substrings'; attribute: string; initial: string; any: string[]; final: string };

const TRUE: Ldap = { kind: 'true' };
const FALSE: Ldap = { kind: 'false' };

function compile(ast: FilterAst, polarity: Polarity, state: State): Ldap {
  switch (ast.kind) {
    case 'and':
      return and(ast.operands.map((operand) => compile(operand, polarity, state)));
    case 'or':
      return or(ast.operands.map((operand) => compile(operand, polarity, state)));
    case 'not':
      return not(compile(ast.operand, flip(polarity), state));
    case 'comparison': {
      const { operator, negated } = positiveOperator(ast.operator);
      if (!negated) return comparison(ast, operator, polarity, state);
      return not(comparison(ast, operator, flip(polarity), state));
    }
  }
}

function flip(polarity: Polarity): Polarity {
  return polarity === 'superset' ? 'subset' : 'superset';
}

/** What the approximation of an inexpressible node is, given the side it must err on. */
function widened(polarity: Polarity, state: State, superset: Ldap = TRUE, subset: Ldap = FALSE): Ldap {
  state.exact = false;
  return polarity === 'superset' ? superset : subset;
}

type PositiveOperator = ReturnType<typeof positiveOperator>['operator'];

function comparison(node: ComparisonNode, operator: PositiveOperator, polarity: Polarity, state: State): Ldap {
  const { property, value } = node;
  const ldap = state.attributeOf(node);
  if (ldap === null) return widened(polarity, state);

  if ('enabledServices' in ldap) {
    // Booleans are never missing: -eq $null is false, and $false is the exact negation of $true.
    // Enabled is every one of the protocol's values present (protocol-values.ts: holdsAll), so an
    // entry holding only some reads as disabled here too.
    if (value.type !== 'boolean') return FALSE;
    const stored = ldap.enabledServices.map((service): Ldap => ({ kind: 'equal', attribute: ldap.switchAttribute, value: service }));
    const marker = ldap.administratorMarker;
    const notAdministrator = marker === null ? [] : [not({ kind: 'equal', attribute: marker.attribute, value: marker.value })];
    const enabled = and(refusesAdministrator(ldap) ? [...stored, ...notAdministrator] : stored);
    return value.value ? enabled : not(enabled);
  }

  const attribute = ldap.attribute;
  if (ldap.nullable === true && property.type === 'boolean') {
    // TRUE, FALSE, or absent ($null: the mailbox follows the organisation default).
    if (value.type === 'null') return not({ kind: 'present', attribute });
    if (value.type === 'boolean') return { kind: 'equal', attribute, value: value.value ? 'TRUE' : 'FALSE' };
  }
  if (value.type === 'null') return property.type === 'boolean' ? FALSE : not({ kind: 'present', attribute });
  if (value.type === 'boolean') {
    // Boolean syntax (RFC 4517) holds TRUE or FALSE; an absent attribute reads as false.
    const isTrue: Ldap = { kind: 'equal', attribute, value: 'TRUE' };
    return value.value ? isTrue : not(isTrue);
  }

  const literal = property.type === 'date' ? generalizedTime(operandText(value)) : (operandText(value));
  switch (operator) {
    case 'eq':
      return { kind: 'equal', attribute, value: literal };
    case 'like':
      return substrings(attribute, literal);
    case 'le':
      return { kind: 'le', attribute, value: literal };
    case 'ge':
      return { kind: 'ge', attribute, value: literal };
    case 'lt':
    case 'gt':
      return strictOrdering(ldap.multiValued, attribute, operator, literal, polarity, state);
  }
}

/**
 * LDAP has only <= and >=. On a single value, `< v` is `<= v` and not `= v`. On a multi-valued
 * attribute that is wrong (values {a, c} are > a, yet one equals a), and the exact form does
 * not exist: `>= v` is a superset, `>= v` without any value equal to v a subset.
 */
function strictOrdering(
  multiValued: boolean,
  attribute: string,
  operator: 'lt' | 'gt',
  literal: string,
  polarity: Polarity,
  state: State,
): Ldap {
  const loose: Ldap = { kind: operator === 'lt' ? 'le' : 'ge', attribute, value: literal };
  const strict = and([loose, not({ kind: 'equal', attribute, value: literal })]);
  if (!multiValued) return strict;
  return widened(polarity, state, loose, strict);
}

/** `a*b*c`: initial `a`, any `b`, final `c`. Runs of stars collapse: `(x=a**b)` is invalid. */
function substrings(attribute: string, pattern: string): Ldap {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return { kind: 'equal', attribute, value: pattern };
  const initial = pieces[0] as string;
  const final = pieces[pieces.length - 1] as string;
  const any = pieces.slice(1, -1).filter((piece) => piece !== '');
  if (initial === '' && final === '' && any.length === 0) return { kind: 'present', attribute };
  return { kind: 'substrings', attribute, initial, any, final };
}

/** ISO `2026-01-31T10:00:00.000Z` as GeneralizedTime `20260131100000.000Z`. */
function generalizedTime(iso: string): string {
  return iso.replace(/[-:T]/g, '');
}

/**
 * AND or OR that folds constants away, so widened nodes leave no `(objectClass=*)` clutter behind:
 * the absorbing constant (false for AND, true for OR) decides it, the neutral one drops out.
 */
function junction(kind: 'and' | 'or', children: Ldap[]): Ldap {
  const [absorbing, neutral] = kind === 'and' ? [FALSE, TRUE] : [TRUE, FALSE];
  const kept: Ldap[] = [];
  for (const child of children) {
    if (child.kind === absorbing.kind) return absorbing;
    if (child.kind === neutral.kind) continue;
    if (child.kind === kind) kept.push(...(child as Extract<Ldap, { children: Ldap[] }>).children);
    else kept.push(child);
  }
  if (kept.length === 0) return neutral;
  return kept.length === 1 ? (kept[0] as Ldap) : { kind, children: kept };
}

const and = (children: Ldap[]): Ldap => junction('and', children);
const or = (children: Ldap[]): Ldap => junction('or', children);

function not(child: Ldap): Ldap {
  if (child.kind === 'true') return FALSE;
  if (child.kind === 'false') return TRUE;
  if (child.kind === 'not') return child.child;
  return { kind: 'not', child };
}

/**
 * TRUE and FALSE print as `(objectClass=*)` and its negation rather than RFC 4526's `(&)` and
 * `(|)`, which not every server (nor ldapts's filter parser) accepts.
 */
function print(node: Ldap): string {
  switch (node.kind) {
    case 'true':
      return '(objectClass=*)';
    case 'false':
      return '(!(objectClass=*))';
    case 'and':
      return `(&${node.children.map(print).join('')})`;
    case 'or':
      return `(|${node.children.map(print).join('')})`;
    case 'not':
      return `(!${print(node.child)})`;
    case 'equal':
      return `(${node.attribute}=${escapeValue(node.value)})`;
    case 'ge':
      return `(${node.attribute}>=${escapeValue(node.value)})`;
    case 'le':
      return `(${node.attribute}<=${escapeValue(node.value)})`;
    case 'present':
      return `(${node.attribute}=*)`;
    case 'substrings': {
      const pieces = [node.initial, ...node.any, node.final].map(escapeValue);
      return `(${node.attribute}=${pieces.join('*')})`;
    }
  }
}

/**
 * RFC 4515 value escaping: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`.
 * Other characters, non-ASCII included, stay as they are (RFC 4515 allows UTF-8): ldapts turns
 * each `\xx` into one UTF-16 unit, so escaping UTF-8 bytes would reach the server as mojibake.
 */
export function escapeValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
