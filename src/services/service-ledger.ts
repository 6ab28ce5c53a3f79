import type { Protocol } from '../core/protocols.js';

/**
 * A mailbox whose setting changed since a service last refreshed, with the value it holds now:
 * what a refresh needs of the store's pending settings (the store's type has this shape).
 */
export interface PendingLogin {
  PrimarySmtpAddress: string;
  /** Every name the mailbox may log in as: Dovecot caches each one apart. */
  logins: readonly string[];
  property: Protocol['property'];
  enabled: boolean;
}

export interface PendingSince {
  /** The newest change id: refreshing now makes every change up to it effective. */
  throughChangeId: number;
  settings: readonly PendingLogin[];
}

export interface ServiceMarkState {
  refreshedThrough: number;
  refreshedAt: string | null;
}

/** To record once a refresh or restart worked: this service has made every change through this id effective. */
export interface ServiceMark {
  service: string;
  throughChangeId: number;
}

/**
 * Where each service's mark is kept and what changed since: the directory store, which the CLI
 * passes in (its methods have these shapes), so that services/ knows no store.
 */
export interface ServiceLedger {
  serviceStates(): Promise<ReadonlyMap<string, ServiceMarkState>>;
  pendingChanges(afterChangeId: number): Promise<PendingSince>;
  markServicesRefreshed(names: readonly string[], throughChangeId: number, when: Date): Promise<void>;
  /**
   * Resolves once the replica at `url` holds every change the store held when called (LDAP: its
   * contextCSN has caught up with the provider's); fails after `timeoutMs`. Absent: the store has no replicas.
   */
  awaitReplica?(url: string, timeoutMs: number): Promise<void>;
}

/**
 * The name a service's mark is kept under: the service's own for the single-server form (as
 * before there were several), `<service>@<server>` for each of several mail servers, so one
 * server's refresh never hides another's pending changes.
 */
export function markName(service: string, server: string | null): string {
  return server === null ? service : `${service}@${server}`;
}

/** The service a mark name belongs to (either form). */
export function serviceOfMark(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}

/** Records the marks, one call for the services marked through the same change. */
export async function recordMarks(ledger: ServiceLedger, marks: readonly ServiceMark[], when: Date): Promise<void> {
  const byThrough = new Map<number, string[]>();
  for (const mark of marks) byThrough.set(mark.throughChangeId, [...(byThrough.get(mark.throughChangeId) ?? []), mark.service]);
  for (const [through, names] of byThrough) await ledger.markServicesRefreshed(names, through, when);
}
