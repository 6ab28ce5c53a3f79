import type { FilterAst, FilterProperty } from '../filter/index.js';
import { LAST_LOGON_PROTOCOLS, type LastLogonProtocol, type MailboxLastLogons } from './last-logons.js';

/**
 * The mailbox properties that come from the recorded logins (core/last-logons.ts), not from the
 * store: per recorded protocol, when the mailbox last logged in (`LastPopLogonTime`) and from
 * where (`LastPopLogonClientAddress`). Shown and filtered like the store's properties, but no
 * store can compile them: a filter naming them is split (core/filter-split.ts) and this part is
 * evaluated against the logins joined to each batch of mailboxes.
 */
export interface LastLogonFilterProperty extends FilterProperty {
  protocol: LastLogonProtocol;
  /** The value among a mailbox's recorded logins: ISO 8601 UTC text for a time, as a store gives WhenChanged. */
  read(logons: MailboxLastLogons): string | null;
}

/** `LastPopLogonTime` → `LastPopLogonClientAddress`: the address of that login, named after its time. */
export function clientAddressProperty(protocol: LastLogonProtocol): string {
  return protocol.lastLogonProperty.replace(/Time$/, 'ClientAddress');
}

/** Per recorded protocol, its time then its client address, in registry order. */
export const LAST_LOGON_FILTER_PROPERTIES: readonly LastLogonFilterProperty[] = LAST_LOGON_PROTOCOLS.flatMap((protocol): LastLogonFilterProperty[] => [
  { name: protocol.lastLogonProperty, type: 'date', multiValued: false, protocol, read: (logons) => logons[protocol.name]?.time.toISOString() ?? null },
  { name: clientAddressProperty(protocol), type: 'string', multiValued: false, protocol, read: (logons) => logons[protocol.name]?.clientAddress ?? null },
]);

const byName = new Map(LAST_LOGON_FILTER_PROPERTIES.map((property) => [property.name, property]));

/** The login property of this exact (schema) name; undefined for a property the store holds. */
export function lastLogonFilterProperty(name: string): LastLogonFilterProperty | undefined {
  return byName.get(name);
}

/** Whether a filter reads any recorded login: then it needs them joined, and cannot go to the store whole. */
export function namesLastLogons(ast: FilterAst | undefined): boolean {
  return loginPropertiesNamed(ast).length > 0;
}

/** The login properties a filter reads, each once, in the order it names them. */
export function loginPropertiesNamed(ast: FilterAst | undefined): LastLogonFilterProperty[] {
  if (ast === undefined) return [];
  if (ast.kind === 'comparison') {
    const property = byName.get(ast.property.name);
    return property === undefined ? [] : [property];
  }
  const operands = ast.kind === 'not' ? [ast.operand] : ast.operands;
  return [...new Set(operands.flatMap(loginPropertiesNamed))];
}
