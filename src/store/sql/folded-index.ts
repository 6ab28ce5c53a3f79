import { fold } from '../../core/mailbox.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import type { TextField } from './mailbox-schema.js';
import { readId, type RowId } from './rows.js';

/**
 * The folded values of one column of an admin's table, each with the mailboxes holding it: what
 * the folded-equality lookups of identities need where the admin's schema has no index on the
 * folded column (PostgreSQL compares lower(column), which iRedMail does not index, and casctl
 * adds no index to the admin's tables). Reading the column once costs what one folded lookup
 * costs, a table scan; a 100,000-line identity file would otherwise take fifty of them. Read once
 * per process, when first needed: the rows are then read by id and the shared matcher decides,
 * so a mailbox renamed meanwhile is, at worst, not found.
 */
export class FoldedIndex {
  private readonly columns = new Map<string, Promise<Map<string, RowId[]>>>();
  private aliases: Promise<Map<string, string[]>> | undefined;

  constructor(private readonly layout: SqlLayout) {}

  /** The mailboxes whose field (or, `EmailAddresses`, any address) folds to each value. */
  async lookup(session: SqlSession, field: TextField | 'EmailAddresses', values: readonly string[]): Promise<RowId[][]> {
    const key = field === 'EmailAddresses' ? field : this.layout.text(field);
    let column = this.columns.get(key);
    if (column === undefined) {
      column = this.load(session, field);
      this.columns.set(key, column);
    }
    const index = await column;
    return values.map((value) => index.get(value) ?? []);
  }

  /**
   * A mapped schema's alias rows by their mailbox's folded key, in order, read whole once: its
   * alias table is not indexed by mailbox (iRedMail's forwardings), so a page of mailboxes would
   * scan it once a page.
   */
  aliasesByMailbox(session: SqlSession): Promise<Map<string, string[]>> {
    this.aliases ??= this.loadAliases(session);
    return this.aliases;
  }

  private async loadAliases(session: SqlSession): Promise<Map<string, string[]>> {
    const { layout } = this;
    const { table, mailboxId, address, position, only } = layout.schema.addresses;
    const rows = await session.query(
      `SELECT a.${layout.q(mailboxId)} AS k, a.${layout.q(address)} AS v FROM ${layout.q(table)} a${only === null ? '' : ` WHERE a.${layout.q(only.column)} = ${Number(only.value)}`}${position === null ? '' : ` ORDER BY a.${layout.q(position)}`}`,
    );
    const byMailbox = new Map<string, string[]>();
    for (const row of rows) {
      const key = fold(String(row.k));
      const list = byMailbox.get(key);
      if (list === undefined) byMailbox.set(key, [String(row.v)]);
      else list.push(String(row.v));
    }
    return byMailbox;
  }

  private async load(session: SqlSession, field: TextField | 'EmailAddresses'): Promise<Map<string, RowId[]>> {
    const { layout } = this;
    const { dialect } = layout;
    const sql =
      field === 'EmailAddresses'
        ? `SELECT e.${layout.q(layout.addressColumns.mailboxId)} AS id, ${dialect.fold(`e.${layout.q(layout.addressColumns.address)}`)} AS v FROM ${layout.addresses} e`
        : `SELECT ${layout.id} AS id, ${dialect.fold(layout.text(field))} AS v FROM ${layout.mailboxes} m`;
    const index = new Map<string, RowId[]>();
    for (const row of await session.query(sql)) {
      if (row.v === null) continue;
      const value = String(row.v);
      const ids = index.get(value);
      if (ids === undefined) index.set(value, [readId(layout, row.id)]);
      else ids.push(readId(layout, row.id));
    }
    return index;
  }
}
