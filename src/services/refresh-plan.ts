import type { IpNetwork } from '../core/ip-networks.js';
import { sessionServicesOf, WEBMAIL_PROTOCOLS, type Protocol, type ProtocolDefinition } from '../core/protocols.js';
import { flushBatches, FULL_FLUSH_ABOVE_BATCHES } from './flush-batches.js';
import type { ServiceCommands } from './service-config.js';
import type { PendingSince, ServiceMark } from './service-ledger.js';
import type { Service } from './services.js';
import { combineOrigins, type LostSessions, type SessionOrigin } from './sessions.js';

/** One service to refresh: its configured commands and what changed since its own mark. */
export interface RefreshTarget {
  service: Service;
  commands: ServiceCommands;
  pending: PendingSince;
}

/** One `auth cache flush` call: `names` in place of `{users}`; none flushes the whole cache. */
export interface FlushCall {
  argv: string[];
  /** The configured command, as failure messages show it. */
  template: readonly string[];
  names: readonly string[];
}

/** The sessions to end through one who+kill pair. */
export interface SessionEnding {
  who: readonly string[];
  kill: readonly string[];
  lost: LostSessions;
}

/** A configured per-mailbox kick (where who and kill cannot run): ends every session of `user`. */
export interface KickCall {
  argv: string[];
  user: string;
}

/** Everything a refresh will run, worked out from the pending changes before any command runs. */
export interface RefreshPlan {
  /** Recorded once every call worked: per service, the change id it then has made effective. */
  marks: ServiceMark[];
  /** Distinct mailboxes whose pending changes are made effective. */
  mailboxes: number;
  /** One group per distinct flush command, run in order; the calls of a group run a few at a time. */
  flushes: FlushCall[][];
  /** Login names flushed by name; null when the whole cache is flushed. */
  flushedLogins: number | null;
  endings: SessionEnding[];
  kicks: KickCall[];
  /** Login names doveadm could read as an option or a mask: never passed to it. */
  unsafeNames: string[];
}

/**
 * A name doveadm could read as an option (`-a...`) or as a mask (`*`, `?`, `%`), or that holds
 * whitespace or control characters. Import refuses such addresses, but a directory casctl did
 * not fill (LDAP) may hold anything.
 */
function unsafeForDoveadm(name: string): boolean {
  return !/^[^\s\p{Cc}*?%-][^\s\p{Cc}*?%]*$/u.test(name);
}

/** The argv with `placeholder` replaced by `values` (none: the argument is dropped). */
function fill(argv: readonly string[], placeholder: string, values: readonly string[]): string[] {
  return argv.flatMap((arg) => (arg === placeholder ? values : [arg]));
}

const key = (argv: readonly string[]): string => JSON.stringify(argv);

const covers = (protocol: Pick<ProtocolDefinition, 'dovecotServices'>, service: string): boolean => protocol.dovecotServices.includes(service);

/**
 * Where the sessions come from that a protocol covers on one of its services: a webmail protocol
 * covers the webmail networks' (none without networks: it is not enforced), a protocol sharing
 * the service with one covers everywhere else, any other protocol every session.
 */
export function originOf(protocol: Protocol, service: string, webmailNetworks: readonly IpNetwork[]): SessionOrigin | null {
  const webmail = webmailNetworks.length > 0;
  if (WEBMAIL_PROTOCOLS.includes(protocol)) return webmail ? 'webmail' : null;
  return webmail && WEBMAIL_PROTOCOLS.some((p) => covers(p, service)) ? 'elsewhere' : 'anywhere';
}

function getOrAdd<K, V>(map: Map<K, V>, k: K, make: () => V): V {
  let value = map.get(k);
  if (value === undefined) {
    value = make();
    map.set(k, value);
  }
  return value;
}

/**
 * What a refresh of the targets runs. Each service starts from its own mark: the cached logins
 * of exactly the mailboxes changed since are flushed (under every name they may log in as; one
 * flush covers every passdb), and the open sessions of the protocols they lost are ended, no
 * others (`webmailNetworks` tells OWA's IMAP sessions from IMAP4's). Commands shared by several
 * services (one Dovecot serves them all) run once.
 */
export function planRefresh(targets: readonly RefreshTarget[], webmailNetworks: readonly IpNetwork[] = []): RefreshPlan {
  const marks: ServiceMark[] = [];
  const flushLogins = new Map<string, { template: string[]; logins: Set<string> }>();
  const endings = new Map<string, { who: string[]; kill: string[]; byUser: Map<string, Map<string, SessionOrigin>> }>();
  const kickUsers = new Map<string, { template: string[]; users: Set<string> }>();
  const mailboxes = new Set<string>();
  for (const { service, commands, pending } of targets) {
    marks.push({ service: service.Name, throughChangeId: pending.throughChangeId });
    const relevant = pending.settings.filter((s) => s.property === service.protocol.property);
    for (const setting of relevant) mailboxes.add(setting.PrimarySmtpAddress);
    const flush = commands.flush;
    if (flush !== null) {
      const entry = getOrAdd(flushLogins, key(flush), () => ({ template: flush, logins: new Set<string>() }));
      for (const setting of relevant) for (const login of setting.logins) entry.logins.add(login);
    }
    const lost = relevant.filter((s) => !s.enabled);
    // Sessions as `doveadm who` names them (ManageSieve's differ between 2.3 and 2.4).
    const origins = sessionServicesOf(service.protocol).flatMap((name) => {
      const origin = originOf(service.protocol, name, webmailNetworks);
      return origin === null ? [] : [[name, origin] as const];
    });
    if (lost.length === 0 || origins.length === 0) continue;
    const { who, kill, kick } = commands;
    if (who !== null && kill !== null) {
      const ending = getOrAdd(endings, key([...who, '\0', ...kill]), () => ({ who, kill, byUser: new Map<string, Map<string, SessionOrigin>>() }));
      for (const setting of lost) {
        const lostServices = getOrAdd(ending.byUser, setting.PrimarySmtpAddress, () => new Map<string, SessionOrigin>());
        for (const [name, origin] of origins) lostServices.set(name, combineOrigins(lostServices.get(name), origin));
      }
    } else if (kick !== null) {
      // A kick cannot tell sessions apart by protocol or address: it ends all of them, the webmail's too.
      const entry = getOrAdd(kickUsers, key(kick), () => ({ template: kick, users: new Set<string>() }));
      for (const setting of lost) entry.users.add(setting.PrimarySmtpAddress);
    }
  }

  const unsafeNames: string[] = [];
  let flushedLogins: number | null = 0;
  const flushes = [...flushLogins.values()].map(({ template, logins }) => {
    const unsafe = [...logins].filter(unsafeForDoveadm);
    unsafeNames.push(...unsafe);
    const batches = flushBatches([...logins]);
    // An unsafe name is flushed with everything else: the change takes effect, and doveadm never sees the name.
    if (unsafe.length > 0 || batches.length > FULL_FLUSH_ABOVE_BATCHES) {
      flushedLogins = null;
      return [{ argv: fill(template, '{users}', []), template, names: [] }];
    }
    if (flushedLogins !== null) flushedLogins += logins.size;
    return batches.map((names) => ({ argv: fill(template, '{users}', names), template, names }));
  });
  const kicks: KickCall[] = [];
  for (const { template, users } of kickUsers.values()) {
    for (const user of users) {
      if (unsafeForDoveadm(user)) unsafeNames.push(user);
      else kicks.push({ argv: fill(template, '{user}', [user]), user });
    }
  }
  const sessionEndings = [...endings.values()].map(({ who, kill, byUser }) => ({ who, kill, lost: { byUser, webmailNetworks } }));
  return { marks, mailboxes: mailboxes.size, flushes, flushedLogins, endings: sessionEndings, kicks, unsafeNames };
}

/** Process ids per `kill` call: far below any argv limit. */
export const KILL_BATCH = 500;

/** The kill calls that end the sessions of `pids`, a batch of them per call. */
export function killCalls(kill: readonly string[], pids: readonly number[]): { argv: string[]; pids: string[] }[] {
  const calls: { argv: string[]; pids: string[] }[] = [];
  for (let i = 0; i < pids.length; i += KILL_BATCH) {
    const batch = pids.slice(i, i + KILL_BATCH).map(String);
    calls.push({ argv: fill(kill, '{pids}', batch), pids: batch });
  }
  return calls;
}
