import type { LastLogonProtocol, MailboxLastLogons } from '../core/last-logons.js';
import { LAST_LOGON_PROTOCOLS, recordedServices } from '../core/last-logons.js';
import type { LastLogonOpenOptions } from './store-driver.js';

/** One protocol's latest login of one spelling of a user, as a reader's query returns it. */
export interface LogonRow {
  user: string;
  service: string;
  /** Seconds since the epoch. */
  time: number;
  /** '' where Dovecot recorded no address. */
  address: string;
}

const serviceProtocol = new Map<string, LastLogonProtocol['name']>(LAST_LOGON_PROTOCOLS.flatMap((p) => recordedServices(p).map((service) => [service, p.name] as const)));

/** The oldest login time (seconds) a reader returns: the retention's start, or 0 without one. */
export function retentionCutoff(options: Pick<LastLogonOpenOptions<unknown>, 'retentionDays' | 'now'>): number {
  return options.retentionDays === null ? 0 : Math.floor(options.now().getTime() / 1000) - options.retentionDays * 86_400;
}

/**
 * The latest login per protocol of each of `users`, keyed by the name as given. Dovecot records
 * its canonical user: the stored address as the passdb returned it, or the login lower-cased
 * (auth_username_format %Lu) where a passdb returns none. `fetch` is handed both forms, `batch`
 * names at a time, to look up by the table's key (never a scan); its rows are matched here
 * without regard to case.
 */
export async function latestLogons(users: readonly string[], batch: number, fetch: (names: string[]) => Promise<readonly LogonRow[]>): Promise<Map<string, MailboxLastLogons>> {
  const byKey = new Map<string, string[]>();
  const names = new Set<string>();
  for (const user of users) {
    const key = user.toLowerCase();
    names.add(user).add(key);
    const given = byKey.get(key);
    if (given === undefined) byKey.set(key, [user]);
    else if (!given.includes(user)) given.push(user);
  }
  const found = new Map<string, MailboxLastLogons>();
  const asked = [...names];
  for (let start = 0; start < asked.length; start += batch) {
    for (const row of await fetch(asked.slice(start, start + batch))) {
      const protocol = serviceProtocol.get(row.service);
      if (protocol === undefined) continue;
      const logon = { time: new Date(row.time * 1000), clientAddress: row.address === '' ? null : row.address };
      for (const user of byKey.get(row.user.toLowerCase()) ?? []) {
        const logons = found.get(user) ?? {};
        const known = logons[protocol];
        // The same mailbox under both spellings, or two services of one protocol: the later login counts.
        if (known === undefined || known.time < logon.time) logons[protocol] = logon;
        found.set(user, logons);
      }
    }
  }
  return found;
}
