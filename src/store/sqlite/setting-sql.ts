import { isNullable, saysDisabled, type Protocol } from '../../core/protocols.js';
import { effectiveEnabledSql } from './administrator-sql.js';
import { DEFAULT_COLUMN, ENABLED_COLUMN, SETTING_COLUMN } from '../sql/casctl-columns.js';

/**
 * How a `mailboxes` row holds each CAS setting. An Enabled setting is its one column, which
 * Dovecot reads too. A nullable setting is the column of the value as set (NULL: it follows the
 * organisation default) beside the effective flag Dovecot reads, which casctl keeps equal to
 * what the two make it.
 */

/** The column holding the setting as set: what a change item records as before and after. */
export function settingColumn(protocol: Protocol): string {
  return isNullable(protocol) ? SETTING_COLUMN[protocol.name as keyof typeof SETTING_COLUMN] : ENABLED_COLUMN[protocol.name];
}

/** The setting as a mailbox read shows it, over the row aliased `m`: the value as set, or the effective Enabled value. */
export function settingSql(protocol: Protocol): string {
  return isNullable(protocol) ? `m.${settingColumn(protocol)}` : effectiveEnabledSql(protocol);
}

/** The organisation default of a nullable protocol's setting, as a scalar subquery. */
export function organizationDefaultSql(protocol: Protocol): string {
  return `(SELECT ${DEFAULT_COLUMN[protocol.name as keyof typeof DEFAULT_COLUMN]} FROM transport_config WHERE id = 1)`;
}

/** The effective flag (1: admitted) that the setting value `value` (an SQL expression, NULL: follow the default) makes. */
export function admitsSql(protocol: Protocol, value: string): string {
  const set = `COALESCE(${value}, ${organizationDefaultSql(protocol)})`;
  return saysDisabled(protocol) ? `(1 - ${set})` : set;
}
