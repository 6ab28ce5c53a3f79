/*
 * The table Dovecot's SQL dict writes at each login and casctl reads, the same on SQLite and the
 * SQL servers: get-dovecotconfig --last-logons maps the last_login plugin's key onto it, so its
 * names are part of casctl's public contract, as the mailbox columns are (casctl-columns.ts).
 */

/** One row per mailbox, Dovecot protocol and client address. */
export const LAST_LOGON_TABLE = 'last_logon';

/**
 * The one row no login writes (Dovecot's user is never empty): when casctl set recording up.
 * Before it, "no login recorded" means "not recorded yet", not "unused", so an `unusedFor` rule
 * counts it as a last use, as it counts a mailbox's creation. A prune may take it once it is
 * older than the retention: no rule's period is longer than that, so it no longer matters.
 */
export const RECORDING_SINCE = { username: '', service: '#recording-since', clientAddress: '' } as const;

/**
 * Its columns. The three key columns are the primary key: Dovecot's dict writes with an upsert
 * whose conflict target is every field of the key it maps (`ON CONFLICT (username, service,
 * client_address)` on SQLite and PostgreSQL; MySQL's `ON DUPLICATE KEY` needs the same key).
 */
export const LAST_LOGON_COLUMNS = {
  /** Dovecot's canonical user: the mailbox's primary address. */
  username: 'username',
  /** The Dovecot protocol logged in to: imap, pop3. */
  service: 'service',
  /** The client's address as Dovecot saw it (its remote IP). */
  clientAddress: 'client_address',
  /** When, in whole seconds since the epoch (last_login_precision = s). */
  time: 'last_logon',
} as const;
