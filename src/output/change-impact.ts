import type { ChangeImpact, ProtocolImpact, RecentLogon } from '../core/change-impact.js';
import { counted } from '../core/counted.js';
import { printable } from '../core/printable.js';
import type { OutputRecord } from './values.js';

/** `2026-12-01 09:14 UTC`: to the minute, which is what telling "minutes ago" from "last week" needs. */
export function minuteUtc(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const recentText = (recent: RecentLogon): string =>
  `${printable(recent.user)} ${minuteUtc(recent.logon.time)}${recent.logon.clientAddress === null ? '' : ` from ${printable(recent.logon.clientAddress)}`}`;

/** `POP3: 12 of 340 mailboxes losing access logged in over POP3 in the last 30 days; most recent: ann@example.com 2026-12-01 09:14 UTC from 192.0.2.7, …`. */
function protocolLine(impact: ChangeImpact, entry: ProtocolImpact): string {
  const name = entry.protocol.displayName;
  const window = `in the last ${counted(impact.activeDays, 'day')}`;
  const kept = impact.retentionDays !== null && impact.retentionDays < impact.activeDays ? ` (logins are kept only ${counted(impact.retentionDays, 'day')})` : '';
  const active = entry.active ?? 0;
  const losing = counted(entry.losingAccess, 'mailbox', 'mailboxes');
  if (active === 0) return `${name}: none of the ${losing} losing access logged in over ${name} ${window}${kept}.`;
  const more = active > entry.mostRecent.length ? `, and ${active - entry.mostRecent.length} more` : '';
  return `${name}: ${active} of ${losing} losing access logged in over ${name} ${window}${kept}; most recent: ${entry.mostRecent.map(recentText).join(', ')}${more}.`;
}

/**
 * The impact in words, one line per protocol turned off; when logins are not recorded, one line
 * saying who is affected is unknown, and why (`notRecorded`).
 */
export function impactLines(impact: ChangeImpact, notRecorded: string): string[] {
  if (!impact.recorded) {
    const off = impact.protocols.map((p) => `${p.protocol.displayName} for ${counted(p.losingAccess, 'mailbox', 'mailboxes')}`).join(', ');
    return [`Who would lose access is unknown (this turns off ${off}): ${notRecorded}`];
  }
  return impact.protocols.map((entry) => protocolLine(impact, entry));
}

/**
 * The impact in a JSON result (README "JSON output"): `Impact` is null when the change turns no
 * recorded protocol off; `Active`, `ActiveMailboxes` null when logins are not recorded.
 */
export function impactRecord(impact: ChangeImpact | null): OutputRecord | null {
  if (impact === null) return null;
  return {
    ActiveDays: impact.activeDays,
    Since: impact.since.toISOString(),
    Recorded: impact.recorded,
    RetentionDays: impact.retentionDays,
    LosingAccess: impact.losingAccess,
    ActiveMailboxes: impact.activeMailboxes,
    Protocols: impact.protocols.map((entry) => ({
      Protocol: entry.protocol.displayName,
      Property: entry.protocol.property,
      LastLogonProperty: entry.protocol.lastLogonProperty,
      LosingAccess: entry.losingAccess,
      Active: entry.active,
      MostRecent: entry.mostRecent.map((r) => ({ PrimarySmtpAddress: r.user, LastLogonTime: r.logon.time.toISOString(), ClientAddress: r.logon.clientAddress })),
    })),
  };
}
