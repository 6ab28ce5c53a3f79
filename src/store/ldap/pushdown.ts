import { operandText, positiveOperator, type ComparisonNode, type FilterAst } from '../../filter/index.js';
import { filterToLdap } from './filter-to-ldap.js';
import { PROPERTY_ATTRIBUTES, propertyAttribute, type PropertyAttribute } from './property-attributes.js';

type Polarity = 'superset' | 'subset';

/**
 * The LDAP filter to send for an OPATH filter: always a superset of the mailboxes the filter
 * matches, which the store then re-checks one by one with evaluateFilter.
 *
 * filterToLdap() is exact for an idealised server; OpenLDAP is not one. Its matching rules fold
 * case by Unicode tables of their own and ignore insignificant spaces (`a  b` equals `a b`), the
 * standard attributes (cn, mail, departmentNumber, ...) have no ORDERING rule (so `<=`/`>=` on them
 * is Undefined: no entry matches, and none matches its negation either), and an entry written by
 * another tool may lack the casctl booleans the filter assumes present. So before compiling,
 * every comparison the server could get wrong on the side that matters is marked inexpressible,
 * and filterToLdap widens it (TRUE where a superset is needed, FALSE where a subset is):
 *
 * - the protocol flags (casEnabledService, casAdministrator) and presence tests (`-eq $null`)
 *   are exact on the server, and stay;
 * - `-eq` with printable ASCII text stays where the filter needs a superset: the server's
 *   matching there is the same or looser. Text with other characters, and every `-like`
 *   pattern, is sent as a substring test with `*` in place of each non-ASCII or space
 *   character (whose folding or space handling may differ from fold()), still a superset;
 * - under a NOT (or as `-ne`/`-notlike`) a comparison would need the server to be the same or
 *   stricter, which it is not, so it is widened; so are orderings (`-lt -gt -le -ge`) and
 *   booleans held in their own attribute.
 */
export function pushdownFilter(ast: FilterAst, attributes: ReadonlyMap<string, PropertyAttribute> = PROPERTY_ATTRIBUTES): string {
  const widened = new Set<ComparisonNode>();
  const sent = trusted(ast, 'superset', widened, attributes);
  return filterToLdap(sent, (node) => (widened.has(node) ? null : propertyAttribute(node.property.name, attributes))).filter;
}

/** The filter with the comparisons the server may get wrong collected in `widened`. */
function trusted(ast: FilterAst, polarity: Polarity, widened: Set<ComparisonNode>, attributes: ReadonlyMap<string, PropertyAttribute>): FilterAst {
  switch (ast.kind) {
    case 'and':
    case 'or':
      return { ...ast, operands: ast.operands.map((operand) => trusted(operand, polarity, widened, attributes)) };
    case 'not':
      return { ...ast, operand: trusted(ast.operand, flip(polarity), widened, attributes) };
    case 'comparison': {
      const sent = forServer(ast, polarity, attributes);
      if (sent !== null) return sent;
      widened.add(ast);
      return ast;
    }
  }
}

function flip(polarity: Polarity): Polarity {
  return polarity === 'superset' ? 'subset' : 'superset';
}

/** The comparison to send in place of `node`, or null to widen it. */
function forServer(node: ComparisonNode, polarity: Polarity, attributes: ReadonlyMap<string, PropertyAttribute>): ComparisonNode | null {
  const ldap = propertyAttribute(node.property.name, attributes);
  if (ldap === null) return node;
  if ('enabledServices' in ldap) return node;
  if (node.value.type === 'null') return node;
  if (node.value.type === 'boolean' || node.value.type === 'date') return null;
  const { operator, negated } = positiveOperator(node.operator);
  if (operator !== 'eq' && operator !== 'like') return null;
  if ((negated ? flip(polarity) : polarity) !== 'superset') return null;
  const text = operandText(node.value);
  if (operator === 'eq' && /^[\x20-\x7e]*$/.test(text)) return node;
  const pattern = text.replace(/[^\x21-\x7e]/gu, '*');
  return { ...node, operator: negated ? 'notlike' : 'like', value: { type: 'string', value: pattern } };
}
