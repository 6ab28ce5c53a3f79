/**
 * Ends exactly the sessions that lost access: the open sessions of the given mailboxes on the
 * given Dovecot services (imap, pop3), found in `doveadm -f tab who -1` and ended by signalling
 * their processes, so a mailbox that loses IMAP keeps its POP3 session and other users keep theirs.
 */

/** One open session, as `doveadm -f tab who -1` lists it. */
export interface Session {
  user: string;
  service: string;
  pid: number;
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
  if (user < 0 || service < 0 || pid < 0) {
    throw new Error(`unexpected 'doveadm who' output (no username, proto and pid columns): ${header.join(' ')}`);
  }
  const sessions: Session[] = [];
  for (const line of lines) {
    const cells = line.split('\t');
    const id = Number(cells[pid]);
    if (!Number.isInteger(id) || id <= 0) continue;
    sessions.push({ user: (cells[user] ?? '').toLowerCase(), service: (cells[service] ?? '').toLowerCase(), pid: id });
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
 * Which processes to end so that every session of `lost` (user → the Dovecot services it lost)
 * ends and no other session does. A process that also serves someone else is never signalled.
 */
export function sessionTargets(sessions: readonly Session[], lost: ReadonlyMap<string, ReadonlySet<string>>): SessionTargets {
  const byPid = new Map<number, Session[]>();
  for (const session of sessions) {
    const list = byPid.get(session.pid);
    if (list === undefined) byPid.set(session.pid, [session]);
    else list.push(session);
  }
  const mustEnd = (s: Session): boolean => lost.get(s.user)?.has(s.service) === true;
  const targets: SessionTargets = { pids: [], sessions: 0, shared: [] };
  for (const [pid, list] of byPid) {
    const ending = list.filter(mustEnd);
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
