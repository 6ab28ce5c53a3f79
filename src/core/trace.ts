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

/** A statement as one line: SQL is written across lines for reading, the trace shows one per line. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
