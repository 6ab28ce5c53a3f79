import { LAST_LOGON_PROTOCOLS, usedWithin, type LastLogon, type LastLogonProtocol, type LastLogonSource, type MailboxLastLogons } from './last-logons.js';
import type { PlanItem, SettingChange } from './plan.js';
import { admits, type NullableProtocol, type SettingValue } from './protocols.js';
import type { ProgressSink } from './progress-sink.js';

/**
 * Who a change would cut off: for each recorded protocol it turns off, how many of the mailboxes
 * losing it logged in over it lately, and the latest of them. What the prompt, --what-if, the
 * JSON result and --max-active show and decide on.
 */

/** Days back a login counts as recent use, unless --active-days says otherwise. */
export const DEFAULT_ACTIVE_DAYS = 30;
/** How many of the latest logins the impact names per protocol. */
export const MOST_RECENT = 5;
/** Mailboxes per read of the recorded logins: a change of 900,000 mailboxes is 180 reads, not 900,000. */
export const IMPACT_BATCH = 5_000;

/**
 * The protocols measured. Their settings are never $null (a nullable one's organisation default
 * would decide whether it admitted logins, and set-transportconfig would turn it off for the
 * mailboxes following it): this type stops compiling if a recorded protocol becomes nullable.
 */
const MEASURED: readonly Exclude<LastLogonProtocol, NullableProtocol>[] = LAST_LOGON_PROTOCOLS;

/** A change's values alone say whether it admitted and admits logins: no measured setting is $null (MEASURED). */
const admitted = (protocol: LastLogonProtocol, value: SettingValue): boolean => admits(protocol, value, false);

// The few distinct answers, shared: a plan over a million mailboxes keeps one reference each.
const TURNED_OFF = new Map<string, readonly LastLogonProtocol[]>();

/**
 * The recorded protocols `changes` turn off: admitted before, refused after. The values are the
 * effective ones (the Administrator mailbox reads disabled for POP3 and IMAP4), so a change that
 * leaves a protocol refused is never counted.
 */
export function recordedTurnedOff(changes: readonly Pick<SettingChange, 'property' | 'before' | 'after'>[]): readonly LastLogonProtocol[] {
  const off = MEASURED.filter((protocol) => changes.some((c) => c.property === protocol.property && admitted(protocol, c.before) && !admitted(protocol, c.after)));
  const key = off.map((p) => p.name).join(',');
  let shared = TURNED_OFF.get(key);
  if (shared === undefined) TURNED_OFF.set(key, (shared = Object.freeze(off)));
  return shared;
}

/** The mailboxes a plan turns a recorded protocol off for, collected item by item as the plan is made. */
export class LosingAccess {
  private readonly users: string[] = [];
  private readonly lost: (readonly LastLogonProtocol[])[] = [];

  add(item: Pick<PlanItem, 'PrimarySmtpAddress' | 'status' | 'changes'>): void {
    if (item.status !== 'change') return;
    const off = recordedTurnedOff(item.changes);
    if (off.length === 0) return;
    this.users.push(item.PrimarySmtpAddress);
    this.lost.push(off);
  }

  /** Mailboxes that lose at least one recorded protocol. */
  get size(): number {
    return this.users.length;
  }

  /** Each mailbox with the protocols it loses, IMPACT_BATCH at a time. */
  *batches(size = IMPACT_BATCH): Generator<{ users: readonly string[]; lost: readonly (readonly LastLogonProtocol[])[] }> {
    for (let start = 0; start < this.users.length; start += size) {
      yield { users: this.users.slice(start, start + size), lost: this.lost.slice(start, start + size) };
    }
  }
}

/** One of the latest logins over a protocol the change turns off. */
export interface RecentLogon {
  user: string;
  logon: LastLogon;
}

export interface ProtocolImpact {
  protocol: LastLogonProtocol;
  /** Mailboxes the change turns it off for. */
  losingAccess: number;
  /** Of those, the ones that logged in over it since `since`; null when logins are not recorded. */
  active: number | null;
  /** The latest of those logins, newest first, at most MOST_RECENT. */
  mostRecent: readonly RecentLogon[];
}

export interface ChangeImpact {
  activeDays: number;
  since: Date;
  /** False: nothing records logins for this store, so who is active is unknown (never "nobody"). */
  recorded: boolean;
  /** How long logins are kept (LastLogonSource.retentionDays): a window longer than that sees only what is kept. */
  retentionDays: number | null;
  /** Mailboxes losing at least one recorded protocol. */
  losingAccess: number;
  /** Of those, the ones active over at least one protocol they lose: what --max-active limits; null when not recorded. */
  activeMailboxes: number | null;
  /** In registry order, only the protocols the change turns off for some mailbox. */
  protocols: readonly ProtocolImpact[];
}

/** Keeps `recent` the MOST_RECENT latest logins, newest first. */
function keepRecent(recent: RecentLogon[], entry: RecentLogon): void {
  const last = recent.at(-1);
  if (recent.length >= MOST_RECENT && last !== undefined && last.logon.time.getTime() >= entry.logon.time.getTime()) return;
  const at = recent.findIndex((r) => r.logon.time.getTime() < entry.logon.time.getTime());
  recent.splice(at === -1 ? recent.length : at, 0, entry);
  if (recent.length > MOST_RECENT) recent.pop();
}

/**
 * The impact of turning off what `losing` lost, read from `source` one batch of mailboxes at a
 * time (`progress` hears each batch); `source` null: not recorded, only the counts of mailboxes
 * losing access. Null when the change turns no recorded protocol off.
 */
export async function measureImpact(
  losing: LosingAccess,
  source: LastLogonSource | null,
  window: { now: Date; activeDays: number },
  progress?: ProgressSink,
): Promise<ChangeImpact | null> {
  if (losing.size === 0) return null;
  if (source !== null) progress?.phase('Reading logins', 'mailboxes', losing.size);
  const since = new Date(window.now.getTime() - window.activeDays * 86_400_000);
  const totals = new Map<LastLogonProtocol, { losingAccess: number; active: number; mostRecent: RecentLogon[] }>(MEASURED.map((p) => [p, { losingAccess: 0, active: 0, mostRecent: [] }]));
  let activeMailboxes = 0;
  for (const { users, lost } of losing.batches()) {
    const logons = source === null ? new Map<string, MailboxLastLogons>() : await source.lastLogons(users);
    users.forEach((user, i) => {
      let active = false;
      for (const protocol of lost[i] ?? []) {
        const total = totals.get(protocol);
        if (total === undefined) continue;
        total.losingAccess++;
        const logon = usedWithin(logons.get(user), protocol, since);
        if (logon === null) continue;
        active = true;
        total.active++;
        keepRecent(total.mostRecent, { user, logon });
      }
      if (active) activeMailboxes++;
    });
    if (source !== null) progress?.tick(users.length);
  }
  const recorded = source !== null;
  const protocols = [...totals]
    .filter(([, total]) => total.losingAccess > 0)
    .map(([protocol, total]): ProtocolImpact => ({ protocol, losingAccess: total.losingAccess, active: recorded ? total.active : null, mostRecent: total.mostRecent }));
  return {
    activeDays: window.activeDays,
    since,
    recorded,
    retentionDays: source?.retentionDays ?? null,
    losingAccess: losing.size,
    activeMailboxes: recorded ? activeMailboxes : null,
    protocols,
  };
}
