import { refusesAdministrator, type RuledProtocol } from '../../core/administrator.js';
import type { ProtocolName } from '../../core/protocols.js';
import { ENABLED_COLUMN } from '../sql/casctl-columns.js';

/** core/administrator.ts's rule over a `mailboxes m` row, in SQL. */

/** A protocol as the SQL needs it: its column, and its rule. */
export type SqlProtocol = RuledProtocol & { name: ProtocolName };

/** effectiveEnabled, bare (a CASE branch holds it as it is): the protocol's stored flag, false for the Administrator when the rule covers it. */
export function effectiveEnabledTerms(protocol: SqlProtocol): string {
  const column = `m.${ENABLED_COLUMN[protocol.name]}`;
  return refusesAdministrator(protocol) ? `${column} AND NOT m.is_administrator` : column;
}

/** effectiveEnabled as one SQL expression. */
export const effectiveEnabledSql = (protocol: SqlProtocol): string => `(${effectiveEnabledTerms(protocol)})`;

/** refusesWrite: a write setting the protocol to the 0/1 value `to` (an SQL expression) that would enable the Administrator. */
export function refusesWriteSql(protocol: SqlProtocol, to: string): string {
  return refusesAdministrator(protocol) ? `(m.is_administrator AND ${to} = 1)` : '0';
}
