/**
 * Where --verbose shows what casctl does outside itself: each SQL statement, LDAP operation and
 * service command, one line of text each. The CLI passes one that writes to stderr; the stores
 * and the services know only this. Absent: nothing is traced, and nothing is paid for it (a
 * driver picks its traced or plain path once, when it opens, never per statement).
 *
 * What is traced never holds a secret: SQL as the statement's text without its bound values, LDAP
 * as DNs, filters and attribute names without values, a command as its argv without its stdin.
 */
export type Trace = (kind: TraceKind, text: string) => void;

export type TraceKind = 'sql' | 'ldap' | 'run';

/** Text as one line: SQL is written across lines for reading, the trace shows one per line. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * A statement as one line without its `--` comments, which on one line would swallow the SQL
 * after them. Quote-aware: a `--` inside a string literal or a quoted name is the statement's.
 */
export function sqlLine(sql: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      if (end === -1) break;
      i = end;
      out += ' ';
      continue;
    }
    out += c;
  }
  return oneLine(out);
}
