import { inNetworks, type IpNetwork } from '../core/ip-networks.js';

/**
 * Ends exactly the sessions that lost access: the open sessions of the given mailboxes on the
 * given Dovecot services (imap, pop3), from where the lost protocol covers (the webmail networks
 * for OWA, elsewhere for IMAP4), found in `doveadm -f tab who -1` and ended by signalling their
 * processes, so a mailbox that loses IMAP keeps its POP3 and webmail sessions and other users keep theirs.
 */

/** One open session, as `doveadm -f tab who -1` lists it. */
export interface Session {
  user: string;
  service: string;
  pid: number;
  /** The remote address; null when who lists none. */
  ip: string | null;
}

/**
 * Which of a service's sessions a lost protocol covers, by remote address: all of them, those
 * from the webmail networks (OWA), or those from elsewhere (IMAP4, once webmail networks exist).
 */
export type SessionOrigin = 'anywhere' | 'webmail' | 'elsewhere';

/** Two losses of one service together: webmail and elsewhere make anywhere. */
export function combineOrigins(a: SessionOrigin | undefined, b: SessionOrigin): SessionOrigin {
  return a === undefined || a === b ? b : 'anywhere';
}

/** The sessions that must end: user → Dovecot service → where its sessions must come from to end. */
export interface LostSessions {
  byUser: ReadonlyMap<string, ReadonlyMap<string, SessionOrigin>>;
  webmailNetworks: readonly IpNetwork[];
}

export function mustEnd(session: Session, lost: LostSessions): boolean {
  const origin = lost.byUser.get(session.user)?.get(session.service);
  if (origin === undefined || origin === 'anywhere') return origin !== undefined;
  // who lists the remote address, which a webmail in login_trusted_networks may have replaced by its user's.
  const fromWebmail = session.ip !== null && inNetworks(session.ip, lost.webmailNetworks);
  return fromWebmail === (origin === 'webmail');
}

/**
 * Parses `doveadm -f tab who -1`: a header row names the columns (2.3: `username proto pid ip`;
 * 2.4 adds columns), then one row per connection. Columns are found by name, not position.
 */
export function parseWho(output: string): Session[] {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const user = header.indexOf('username');
  const service = header.findIndex((h) => h === 'proto' || h === 'service' || h === 'protocol');
  const pid = header.indexOf('pid');
  const ip = header.indexOf('ip');
  if (user < 0 || service < 0 || pid < 0) {
    throw new Error(`unexpected 'doveadm who' output (no username, proto and pid columns): ${header.join(' ')}`);
  }
  const sessions: Session[] = [];
  for (const line of lines) {
    const cells = line.split('\t');
    const id = Number(cells[pid]);
    if (!Number.isInteger(id) || id <= 0) continue;
    const address = ip < 0 ? '' : (cells[ip] ?? '').trim();
    sessions.push({ user: (cells[user] ?? '').toLowerCase(), service: (cells[service] ?? '').toLowerCase(), pid: id, ip: address === '' ? null : address });
  }
  return sessions;
}

export interface SessionTargets {
  /** The process ids to signal: each serves only sessions that must end. */
  pids: number[];
  /** How many sessions those processes hold. */
  sessions: number;
  /** Sessions that must end but share a process with sessions that must not (client_limit > 1): left open. */
  shared: Session[];
}

/**
 * Which processes to end so that every session of `lost` ends and no other session does. A
 * process that also serves someone else, or a session that keeps access, is never signalled.
 */
export function sessionTargets(sessions: readonly Session[], lost: LostSessions): SessionTargets {
  const byPid = new Map<number, Session[]>();
  for (const session of sessions) {
    const list = byPid.get(session.pid);
    if (list === undefined) byPid.set(session.pid, [session]);
    else list.push(session);
  }
  const targets: SessionTargets = { pids: [], sessions: 0, shared: [] };
  for (const [pid, list] of byPid) {
    const ending = list.filter((s) => mustEnd(s, lost));
    if (ending.length === 0) continue;
    if (ending.length === list.length) {
      targets.pids.push(pid);
      targets.sessions += list.length;
    } else {
      targets.shared.push(...ending);
    }
  }
  targets.pids.sort((a, b) => a - b);
  return targets;
}
