/** The OPATH `-Filter` language: one parser, one AST, three back-ends (DESIGN.md §3). */
export type { ComparisonNode, ComparisonOperator, FilterAst, FilterValue, SourceSpan } from './ast.js';
export { FilterSyntaxError } from './errors.js';
export { parseFilter } from './parser.js';
export { filterToSql, type SqlFilter } from './to-sql.js';
export { filterToLdap, escapeValue as escapeLdapValue, ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE, type LdapFilter } from './to-ldap.js';
export { evaluateFilter } from './evaluate.js';
