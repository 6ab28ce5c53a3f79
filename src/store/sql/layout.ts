import { refusesAdministrator } from '../../core/administrator.js';
import { isNullable, saysDisabled, type NullableProtocol, type Protocol, type ProtocolName } from '../../core/protocols.js';
import { switchHolders, switchOwner, type SwitchHolders } from '../mapping-profiles.js';
import type { ParamType, SqlDialect } from './dialect.js';
import type { MailboxSchema, TextField } from './mailbox-schema.js';

/** The text fields a mailbox may lack (core/mailbox.ts): NULL where a schema has no column for them. */
const NULLABLE_TEXT = ['Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion'] as const satisfies readonly TextField[];

/** casctl's own tables, named `<prefix><name>` (MailboxSchema.ownTablePrefix). */
export type OwnTable =
  | 'change_records' | 'change_items' | 'service_state' | 'casmailbox_plans' | 'casmailbox_plan_settings' | 'plan_change_items' | 'transport_config_changes';

/**
 * The mailbox schema's names as SQL of one dialect, and core/administrator.ts's rule and the
 * settings' meaning over a mailbox row aliased `m`. Flags are integers 0/1 (as iRedMail's are);
 * a `...Condition` is an SQL boolean, a `...Value` an integer 0/1 (or NULL).
 */
export class SqlLayout {
  readonly mailboxes: string;
  /** The addresses as a table of (mailboxId, address, position) rows: the schema's table, or a derived one adding the primary address. */
  readonly addresses: string;
  readonly units: string;
  /** The type of a mailbox id as a parameter, one and a list. */
  readonly idParam: ParamType;
  readonly idListParam: 'textList' | 'intList';
  /** The column names of `addresses`. */
  readonly addressColumns: { mailboxId: string; address: string; position: string };
  /** Below every id: where a keyset page starts. */
  readonly firstId: number | string;

  constructor(
    readonly dialect: SqlDialect,
    readonly schema: MailboxSchema,
    /** `table.column` of the admin's indexed columns whose collation is case-insensitive (a mapped MySQL schema's). */
    private readonly caseInsensitiveColumns: ReadonlySet<string> = new Set(),
  ) {
    this.mailboxes = dialect.quote(schema.mailboxes.table);
    this.units = dialect.quote(schema.organizationalUnits.table);
    const text = schema.mailboxes.idType === 'text';
    this.idParam = text ? 'text' : 'int';
    this.idListParam = text ? 'textList' : 'intList';
    this.firstId = text ? '' : 0;
    const { mailboxId, address, position, only, holdsPrimary } = schema.addresses;
    this.addressColumns = holdsPrimary && only === null && position !== null ? { mailboxId, address, position } : { mailboxId: 'mailbox_id', address: 'address', position: 'position' };
    this.addresses = this.addressTable();
  }

  /** A column of the mailbox row aliased `alias`. */
  m(column: string, alias = 'm'): string {
    return `${alias}.${this.dialect.quote(column)}`;
  }

  q(identifier: string): string {
    return this.dialect.quote(identifier);
  }

  /** One of casctl's own tables, quoted. */
  own(table: OwnTable): string {
    return this.q(`${this.schema.ownTablePrefix}${table}`);
  }

  get id(): string {
    return this.m(this.schema.mailboxes.id);
  }

  /** A text field of the mailbox row: its column, NULL where the schema has none, a Guid derived from the id where it keeps none. */
  text(field: TextField, alias = 'm'): string {
    const column = this.schema.mailboxes.text[field];
    if (column !== null) return this.m(column, alias);
    if (field === 'Guid') return this.dialect.uuidOf(this.m(this.schema.mailboxes.id, alias));
    // Every mailbox of a schema that does not say is a user's own.
    if (field === 'RecipientTypeDetails') return `'UserMailbox'`;
    // What a mailbox always has reads empty, as the LDAP store reads an attribute a profile lacks.
    return (NULLABLE_TEXT as readonly string[]).includes(field) ? 'NULL' : `''`;
  }

  /** The column compares case-insensitively as it is (its collation) and leads an index, which then answers a folded lookup. */
  caseInsensitive(table: string, column: string): boolean {
    return this.caseInsensitiveColumns.has(`${table}.${column}`);
  }

  /** The field reads from the mailbox row (a column, a derived Guid), not a constant: a lookup by it can find something. */
  holdsText(field: TextField): boolean {
    return field === 'Guid' || this.schema.mailboxes.text[field] !== null;
  }

  /** WhenCreated or WhenChanged as ISO text. */
  when(field: 'WhenCreated' | 'WhenChanged', alias = 'm'): string {
    const { whenCreated, whenChanged, ownsTimes } = this.schema.mailboxes;
    const column = this.m(field === 'WhenCreated' ? whenCreated : whenChanged, alias);
    return ownsTimes ? column : this.dialect.isoText(column);
  }

  /** The switch columns a protocol reads (its own, or the followed protocol's). */
  enabledColumns(protocol: Protocol | ProtocolName): SwitchHolders {
    const name = typeof protocol === 'string' ? protocol : protocol.name;
    return switchHolders(this.schema.mailboxes.enabled, switchOwner(this.schema.mailboxes.enabled, name)) as SwitchHolders;
  }

  /** The protocol has switch columns of its own, which a write sets. */
  ownsSwitch(protocol: Protocol): boolean {
    return switchHolders(this.schema.mailboxes.enabled, protocol.name) !== null;
  }

  /** The mailbox is the Administrator (an SQL boolean). */
  administratorCondition(alias = 'm'): string {
    const column = this.schema.mailboxes.isAdministrator;
    return column === null ? '(1 = 0)' : `(${this.m(column, alias)} = 1)`;
  }

  /** The protocol's switch columns all say admitted (for the Administrator: never, where the rule covers it). */
  enabledCondition(protocol: Protocol, alias = 'm'): string {
    const columns = this.enabledColumns(protocol).map((c) => `${this.m(c, alias)} = 1`);
    if (refusesAdministrator(protocol) && this.schema.mailboxes.isAdministrator !== null) columns.push(`NOT ${this.administratorCondition(alias)}`);
    return `(${columns.join(' AND ')})`;
  }

  /** A nullable protocol's column holding the setting as set; null when its switch columns alone hold it. */
  nullableSettingColumn(protocol: Protocol): string | null {
    return isNullable(protocol) ? (this.schema.mailboxes.setting[protocol.name as NullableProtocol['name']] ?? null) : null;
  }

  /** The column holding the setting as set: a nullable one's own, else its (first) switch column. */
  settingColumn(protocol: Protocol): string {
    return this.nullableSettingColumn(protocol) ?? this.enabledColumns(protocol)[0];
  }

  /** The setting as a read shows it: 1, 0, or (nullable, as set) NULL. */
  settingValue(protocol: Protocol, alias = 'm'): string {
    const column = this.nullableSettingColumn(protocol);
    if (column !== null) return this.m(column, alias);
    return saysDisabled(protocol) ? `(CASE WHEN ${this.enabledCondition(protocol, alias)} THEN 0 ELSE 1 END)` : `(CASE WHEN ${this.enabledCondition(protocol, alias)} THEN 1 ELSE 0 END)`;
  }

  /** The organisation default of a nullable protocol's setting, as a scalar subquery. */
  organizationDefault(protocol: Protocol): string {
    const { table, defaults } = this.schema.transportConfig;
    return `(SELECT ${this.q(defaults[protocol.name as NullableProtocol['name']])} FROM ${this.q(table)} WHERE id = 1)`;
  }

  /** The effective flag (1: admitted) that a setting value (an SQL expression, NULL: follow the default) makes. */
  admitsValue(protocol: Protocol, value: string): string {
    const set = isNullable(protocol) ? `COALESCE(${value}, ${this.organizationDefault(protocol)})` : value;
    return saysDisabled(protocol) ? `(1 - ${set})` : set;
  }

  /**
   * A write setting the protocol to the 0/1 value `to` would enable the Administrator. `to` is
   * asked for only when the rule covers the protocol, so a placeholder is added only when used.
   */
  refusesWriteCondition(protocol: Protocol, to: () => string): string {
    return refusesAdministrator(protocol) && this.schema.mailboxes.isAdministrator !== null ? `(${this.administratorCondition()} AND ${to()} = 1)` : '(1 = 0)';
  }

  private addressTable(): string {
    const { table, mailboxId, address, position, only, holdsPrimary } = this.schema.addresses;
    if (holdsPrimary && only === null && position !== null) return this.q(table);
    const { mailboxId: i, address: a, position: p } = this.addressColumns;
    const named = (id: string, text: string, order: string): string => `${id} AS ${this.q(i)}, ${text} AS ${this.q(a)}, ${order} AS ${this.q(p)}`;
    const primary = this.schema.mailboxes.text.PrimarySmtpAddress ?? this.schema.mailboxes.id;
    const own = holdsPrimary ? [] : [`SELECT ${named(this.m(this.schema.mailboxes.id, 'p'), this.m(primary, 'p'), '0')} FROM ${this.mailboxes} p`];
    const rows = `SELECT ${named(this.m(mailboxId, 'a'), this.m(address, 'a'), position === null ? '1' : this.m(position, 'a'))} FROM ${this.q(table)} a${only === null ? '' : ` WHERE ${this.m(only.column, 'a')} = ${Number(only.value)}`}`;
    return `(${[...own, rows].join(' UNION ALL ')})`;
  }
}
