import type { Modification, SearchRequest } from './connection.js';

/**
 * How --verbose shows an LDAP operation: DNs, the search, and attribute names with what is done to
 * them, never a value (a userPassword, or any attribute a profile maps, may hold a secret).
 */
export const operationLines = {
  bind: (dn: string): string => `bind ${dn}`,
  search: (request: SearchRequest): string =>
    `search base="${request.base}" scope=${request.scope} filter=${request.filter} attributes=${request.attributes.length === 0 ? '*' : request.attributes.join(',')}`,
  modify: (dn: string, modifications: readonly Modification[], assertion: string | undefined): string =>
    `modify ${dn}: ${modifications.map((m) => `${m.operation} ${m.attribute}`).join(', ')}${assertion === undefined ? '' : ` (assert ${assertion})`}`,
  add: (dn: string, attributes: readonly string[]): string => `add ${dn}: ${attributes.join(', ')}`,
  delete: (dn: string): string => `delete ${dn}`,
  modifyDn: (dn: string, newDn: string): string => `modifydn ${dn} to ${newDn}`,
};
