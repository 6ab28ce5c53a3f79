/**
 * What a test Dovecot said and was doing while a login of a test failed: the lines it logged
 * meanwhile (log_path, written by its log process; for 2.4 the same file seen through the Debian 13
 * root's bind mount) and its processes. A hung-up or unanswered login is Dovecot's story to tell,
 * and under CI load it is told only once.
 *
 *   const logins = loginsTo(dovecot);
 *   assert.ok((await logins.imap(user, PASSWORD)).ok);   // a hang-up fails with Dovecot's side of it
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { imapLogin, openImapSession, openPop3Session, pop3Login, type LoginResult, type MailSession } from './mail-login.js';

/** The part of a Dovecot (test/helpers/dovecot.ts) that tells. */
export interface DovecotWitness {
  version: string;
  pid: number;
  log(): string;
}

/** Lines logged before the attempt, shown for context (a master warning often comes just before). */
const BEFORE = 5;
/** At most this many of the lines logged during the attempt: the last ones. */
const DURING = 40;
/** Dovecot's log process writes a moment after the line was sent to it. */
const LOG_LAG_MS = 300;

/** The master's children by their titles (dovecot/imap-login, dovecot/auth-worker, ...), counted. */
function processes(master: number): string {
  const counts = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== master) continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '?';
      counts.set(title, (counts.get(title) ?? 0) + 1);
    } catch {
      // ended meanwhile
    }
  }
  if (counts.size === 0) return 'none';
  return [...counts].map(([title, n]) => `${n} × ${title}`).join(', ');
}

/** The log from `offset` on (a few earlier lines for context), Dovecot's processes, as one block. */
export function dovecotEvidence(dovecot: DovecotWitness, offset: number): string {
  const log = dovecot.log();
  const before = log.slice(0, offset).split('\n').filter(Boolean).slice(-BEFORE);
  const during = log.slice(offset).split('\n').filter(Boolean);
  const shown = during.slice(-DURING);
  return [
    `--- Dovecot ${dovecot.version} (master ${dovecot.pid}): its processes now: ${processes(dovecot.pid)}`,
    `--- its log just before:`,
    ...before,
    `--- its log meanwhile${shown.length < during.length ? ` (the last ${shown.length} of ${during.length} lines)` : ''}:`,
    ...(shown.length === 0 ? ['(nothing)'] : shown),
  ].join('\n');
}

/** Runs `attempt` (a login, a session); when it fails, the error says what Dovecot logged meanwhile. */
export async function withDovecotEvidence<T>(dovecot: DovecotWitness, what: string, attempt: () => Promise<T>): Promise<T> {
  const offset = dovecot.log().length;
  try {
    return await attempt();
  } catch (error) {
    await sleep(LOG_LAG_MS);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what}: ${message}\n${dovecotEvidence(dovecot, offset)}`, { cause: error });
  }
}

/** The webmail host of the tests (all of 127/8 is local): get-dovecotconfig --webmail-network 127.0.0.2/32. */
export const WEBMAIL_ADDRESS = '127.0.0.2';

export interface DovecotLogins {
  imap(user: string, password: string): Promise<LoginResult>;
  pop3(user: string, password: string): Promise<LoginResult>;
  openImap(user: string, password: string): Promise<MailSession>;
  /** An IMAP session from 127.0.0.2, the address the tests configure as the webmail's. */
  openWebmailImap(user: string, password: string): Promise<MailSession>;
  openPop3(user: string, password: string): Promise<MailSession>;
}

/** mail-login's logins against one Dovecot, each failing with that Dovecot's evidence. */
export function loginsTo(dovecot: DovecotWitness & { imapPort: number; pop3Port: number }): DovecotLogins {
  const told = <T>(what: string, user: string, attempt: () => Promise<T>): Promise<T> => withDovecotEvidence(dovecot, `${what} as ${user}`, attempt);
  return {
    imap: (user, password) => told('IMAP login', user, () => imapLogin(dovecot.imapPort, user, password)),
    pop3: (user, password) => told('POP3 login', user, () => pop3Login(dovecot.pop3Port, user, password)),
    openImap: (user, password) => told('IMAP session', user, () => openImapSession(dovecot.imapPort, user, password)),
    openWebmailImap: (user, password) => told('webmail IMAP session', user, () => openImapSession(dovecot.imapPort, user, password, { localAddress: WEBMAIL_ADDRESS })),
    openPop3: (user, password) => told('POP3 session', user, () => openPop3Session(dovecot.pop3Port, user, password)),
  };
}
