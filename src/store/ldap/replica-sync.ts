import { StoreError } from '../../core/errors.js';
import { formatDn, parseDn } from '../../core/dn-syntax.js';
import { LdapConnection } from './connection.js';
import type { LdapConnectionSettings } from './settings.js';
import { parseLdapUrl } from './url.js';

/** How often a replica's state is read again while casctl waits for it. */
const POLL_MS = 50;

/**
 * The contextCSN of the naming context holding `baseDn`, by server ID: how far a server has
 * seen each provider's changes (`20261202101500.123456Z#000000#001#000000`; fixed width, so later
 * CSNs sort later as text). The suffix entry holds it, which may be above the store's base.
 */
export async function contextCsns(connection: LdapConnection, baseDn: string): Promise<Map<string, string>> {
  const rdns = parseDn(baseDn) ?? [];
  for (let i = 0; i < rdns.length; i++) {
    const entry = await connection.read(formatDn(rdns.slice(i)), ['contextCSN']);
    const values = entry?.values('contextCSN') ?? [];
    if (values.length > 0) return new Map(values.map((csn) => [csn.split('#')[2] ?? '', csn]));
  }
  return new Map();
}

/** The server IDs whose provider CSN the replica has not reached yet. */
function behind(provider: ReadonlyMap<string, string>, replica: ReadonlyMap<string, string>): string[] {
  return [...provider].filter(([sid, csn]) => (replica.get(sid) ?? '') < csn).map(([sid]) => sid);
}

export interface ReplicaWait {
  /** The store's connection: the provider's state is read there. */
  provider: LdapConnection;
  baseDn: string;
  settings: LdapConnectionSettings;
}

/**
 * Waits until the replica at `url` has every change the provider holds now: its contextCSN has
 * reached the provider's for every server ID. Bounded: a replica that does not catch up within
 * `timeoutMs` is an error that says how far behind it is, so the caller leaves its caches alone.
 */
export async function awaitReplica(wait: ReplicaWait, url: string, timeoutMs: number): Promise<void> {
  const target = parseLdapUrl(url);
  if (target.baseDn.toLowerCase() !== wait.baseDn.toLowerCase()) {
    throw new StoreError(`The replica ${target.storeUrl} has another base DN than the store (${wait.baseDn}): give it the store's base.`);
  }
  const wanted = await contextCsns(wait.provider, wait.baseDn);
  if (wanted.size === 0) {
    throw new StoreError(
      `${wait.provider.serverUrl} keeps no contextCSN (no syncprov overlay?), so casctl cannot tell when the replica ${target.storeUrl} has a change: load syncprov on the provider.`,
    );
  }
  const replica = await LdapConnection.open(target, wait.settings);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const late = behind(wanted, await contextCsns(replica, wait.baseDn));
      if (late.length === 0) return;
      if (Date.now() >= deadline) {
        throw new StoreError(
          `The replica ${replica.serverUrl} has not caught up with ${wait.provider.serverUrl} within ${Math.round(timeoutMs / 1000)} s ` +
            `(its contextCSN is behind for server ID ${late.join(', ')}): is its syncrepl running? Flushing now would let the next login cache the old answer again.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await replica.close();
  }
}
