import { effectiveEnabled } from '../core/administrator.js';
import { StoreError } from '../core/errors.js';
import type { LastLogon, LastLogonProtocol, LastLogonSource, MailboxLastLogons } from '../core/last-logons.js';
import type { Mailbox } from '../core/mailbox.js';
import { printable } from '../core/printable.js';
import { admits, valueAdmitting, type CasSettings, type ProtocolDefinition } from '../core/protocols.js';
import type { TransportConfig } from '../store/directory-store.js';

/**
 * `unusedFor`: a protocol left enabled that its mailbox has not used for so long is an open door
 * nobody walks through (a forgotten phone, a leaked password): the rule lists them, and --fix
 * turns exactly those off.
 */

/** One protocol a rule checks, and for how long it may go unused. */
export interface UnusedLimit {
  /** As a definition too, so that the registry's helpers see the fields a recorded protocol may leave out (`sense`). */
  protocol: LastLogonProtocol & ProtocolDefinition;
  days: number;
  /** As the policy wrote it: `90d`, `12w`. */
  text: string;
}

const DAY_MS = 86_400_000;
// A map, not an object: a unit such as `constructor` must not find Object's prototype.
const UNITS: ReadonlyMap<string, number> = new Map([['d', 1], ['w', 7]]);
/** Longer than any retention worth having: a larger figure is a typo. */
export const MAX_UNUSED_DAYS = 36_500;

/**
 * `90d` or `12w` as days; otherwise why not. A bare number is refused: 90 what? Months are
 * refused too, as they have no fixed length and `m` reads as minutes to many.
 */
export function parseUnusedPeriod(value: unknown): { days: number; text: string } | { error: string } {
  const hint = 'write a number of days or weeks, e.g. 90d or 12w';
  if (typeof value === 'number') return { error: `${String(value)} has no unit; ${hint}` };
  if (typeof value !== 'string') return { error: hint };
  const match = /^\s*(\d{1,6})\s*([a-z]+)\s*$/i.exec(value);
  const unit = UNITS.get(match?.[2]?.toLowerCase() ?? '');
  if (match === null || unit === undefined) return { error: `'${printable(value)}' is not a period; ${hint}` };
  const days = Number(match[1]) * unit;
  if (days < 1 || days > MAX_UNUSED_DAYS) return { error: `'${printable(value)}' is out of range: from 1d to ${MAX_UNUSED_DAYS}d` };
  return { days, text: `${Number(match[1])}${match[2]?.toLowerCase() ?? ''}` };
}

/** What the check reads of each mailbox. */
export type UnusedCandidate = Pick<Mailbox, 'PrimarySmtpAddress' | 'IsAdministrator' | 'WhenCreated' | LastLogonProtocol['property']>;

/** One protocol a mailbox leaves unused: its last login within the retention, if any. */
export interface UnusedProtocol {
  limit: UnusedLimit;
  lastLogon: LastLogon | null;
}

/**
 * The protocols of `limits` the mailbox has effectively enabled (the Administrator rule and the
 * organisation default applied) and has not used for their limit. A mailbox younger than a limit
 * has not had the chance: its creation counts as its last use, so a new starter who has not set
 * up their phone yet keeps POP3 until the limit has passed. So does the start of recording
 * (`recordingSince`): before it, no login was recorded for anyone, and a mailbox used the day
 * before recording began is no more unused than one created that day.
 */
export function unusedProtocols(
  mailbox: UnusedCandidate,
  logons: MailboxLastLogons | undefined,
  limits: readonly UnusedLimit[],
  defaults: TransportConfig,
  now: Date,
  recordingSince: Date | null,
): UnusedProtocol[] {
  const created = Date.parse(mailbox.WhenCreated);
  const recorded = recordingSince?.getTime() ?? Number.NEGATIVE_INFINITY;
  return limits.filter(({ protocol, days }) => {
    const organizationDefault = (defaults as Partial<Record<string, boolean>>)[protocol.property] ?? false;
    if (!effectiveEnabled(protocol, mailbox.IsAdministrator, admits(protocol, mailbox[protocol.property], organizationDefault))) return false;
    const since = now.getTime() - days * DAY_MS;
    const used = logons?.[protocol.name]?.time.getTime() ?? Number.NEGATIVE_INFINITY;
    // An unreadable creation time gives no grace: the logins alone decide.
    return Math.max(used, recorded, Number.isNaN(created) ? Number.NEGATIVE_INFINITY : created) < since;
  }).map((limit) => ({ limit, lastLogon: logons?.[limit.protocol.name] ?? null }));
}

const shownTime = (time: Date): string => `${time.toISOString().slice(0, 19)}Z`;

/** Why the mailbox breaks the rule, per protocol: the protocol, the limit and the last login or that none is recorded. */
export function unusedReason(unused: readonly UnusedProtocol[], retentionDays: number | null, now: Date): string {
  return unused
    .map(({ limit, lastLogon }) => {
      const head = `${limit.protocol.displayName} enabled and unused for ${limit.days} days`;
      if (lastLogon === null) return `${head}: no login recorded${retentionDays === null ? '' : ` in ${retentionDays} days`}`;
      const from = lastLogon.clientAddress === null ? '' : ` from ${lastLogon.clientAddress}`;
      return `${head}: last login ${shownTime(lastLogon.time)}${from} (${Math.floor((now.getTime() - lastLogon.time.getTime()) / DAY_MS)} days ago)`;
    })
    .join('; ');
}

/** The settings that turn the unused protocols off: the violation's fix. */
export function disabling(unused: readonly UnusedProtocol[]): CasSettings {
  return Object.fromEntries(unused.map(({ limit }) => [limit.protocol.property, valueAdmitting(limit.protocol, false)]));
}

interface LimitedRule {
  name: string;
  at?: string;
  unusedFor?: readonly UnusedLimit[];
}

/**
 * Refuses a policy the recorded logins cannot answer: logins older than the retention are gone,
 * so a mailbox that used POP3 100 days ago would look unused to a 180-day rule over 90 days of
 * records, and --fix would cut it off.
 */
export function checkRetention(rules: readonly LimitedRule[], source: LastLogonSource): void {
  const retention = source.retentionDays;
  if (retention === null) return;
  for (const rule of rules) {
    const longest = (rule.unusedFor ?? []).reduce<UnusedLimit | undefined>((a, b) => (a === undefined || b.days > a.days ? b : a), undefined);
    if (longest === undefined || longest.days <= retention) continue;
    throw new StoreError(
      `Rule '${printable(rule.name)}'${rule.at === undefined ? '' : ` (${rule.at})`} asks who left ${longest.protocol.displayName} unused for ${longest.days} days, ` +
        `but logins are kept only ${retention} days (${source.where}): an older login is gone, and its mailbox would look unused. ` +
        `Raise "lastLogons": {"retentionDays"} to at least ${longest.days}, or shorten the rule's unusedFor.`,
    );
  }
}
