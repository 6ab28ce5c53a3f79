/** core/administrator.ts's rule over a `mailboxes m` row, in SQL. */

/** effectiveEnabled: the stored flag in `column`, false for the Administrator mailbox. */
export const effectiveEnabledSql = (column: string): string => `(m.${column} AND NOT m.is_administrator)`;

/** refusesWrite: a write setting a protocol to the 0/1 value `to` (an SQL expression) that would enable the Administrator. */
export const refusesWriteSql = (to: string): string => `(m.is_administrator AND ${to} = 1)`;
