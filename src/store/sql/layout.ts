import { refusesAdministrator } from '../../core/administrator.js';
import { isNullable, saysDisabled, type NullableProtocol, type Protocol } from '../../core/protocols.js';
import type { SqlDialect } from './dialect.js';
import type { MailboxSchema } from './mailbox-schema.js';

/**
 * The mailbox schema's names as SQL of one dialect, and core/administrator.ts's rule and the
 * settings' meaning over a mailbox row aliased `m`. Flags are integers 0/1 (as iRedMail's are);
 * a `...Condition` is an SQL boolean, a `...Value` an integer 0/1 (or NULL).
 */
export class SqlLayout {
  readonly mailboxes: string;
  readonly addresses: string;
  readonly units: string;

  constructor(
    readonly dialect: SqlDialect,
    readonly schema: MailboxSchema,
  ) {
    this.mailboxes = dialect.quote(schema.mailboxes.table);
    this.addresses = dialect.quote(schema.addresses.table);
    this.units = dialect.quote(schema.organizationalUnits.table);
  }

  /** A column of the mailbox row aliased `alias`. */
  m(column: string, alias = 'm'): string {
    return `${alias}.${this.dialect.quote(column)}`;
  }

  q(identifier: string): string {
    return this.dialect.quote(identifier);
  }

  get id(): string {
    return this.m(this.schema.mailboxes.id);
  }

  /** The protocol's switch columns all say admitted (for the Administrator: never, where the rule covers it). */
  enabledCondition(protocol: Protocol, alias = 'm'): string {
    const columns = this.schema.mailboxes.enabled[protocol.name].map((c) => `${this.m(c, alias)} = 1`);
    if (refusesAdministrator(protocol)) columns.push(`${this.m(this.schema.mailboxes.isAdministrator, alias)} = 0`);
    return `(${columns.join(' AND ')})`;
  }

  /** The column a change item records as before and after: the setting as set. */
  settingColumn(protocol: Protocol): string {
    return isNullable(protocol)
      ? this.schema.mailboxes.setting[protocol.name as NullableProtocol['name']]
      : (this.schema.mailboxes.enabled[protocol.name][0] as string);
  }

  /** The setting as a read shows it: 1, 0, or (nullable) NULL. */
  settingValue(protocol: Protocol, alias = 'm'): string {
    return isNullable(protocol) ? this.m(this.settingColumn(protocol), alias) : `(CASE WHEN ${this.enabledCondition(protocol, alias)} THEN 1 ELSE 0 END)`;
  }

  /** The organisation default of a nullable protocol's setting, as a scalar subquery. */
  organizationDefault(protocol: Protocol): string {
    const { table, defaults } = this.schema.transportConfig;
    return `(SELECT ${this.q(defaults[protocol.name as NullableProtocol['name']])} FROM ${this.q(table)} WHERE id = 1)`;
  }

  /** The effective flag (1: admitted) that a setting value (an SQL expression, NULL: follow the default) makes. */
  admitsValue(protocol: Protocol, value: string): string {
    const set = `COALESCE(${value}, ${this.organizationDefault(protocol)})`;
    return saysDisabled(protocol) ? `(1 - ${set})` : set;
  }

  /**
   * A write setting the protocol to the 0/1 value `to` would enable the Administrator. `to` is
   * asked for only when the rule covers the protocol, so a placeholder is added only when used.
   */
  refusesWriteCondition(protocol: Protocol, to: () => string): string {
    return refusesAdministrator(protocol) ? `(${this.m(this.schema.mailboxes.isAdministrator)} = 1 AND ${to()} = 1)` : '(1 = 0)';
  }
}
