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
}

/** Records the marks, one call for the services marked through the same change. */
export async function recordMarks(ledger: ServiceLedger, marks: readonly ServiceMark[], when: Date): Promise<void> {
  const byThrough = new Map<number, string[]>();
  for (const mark of marks) byThrough.set(mark.throughChangeId, [...(byThrough.get(mark.throughChangeId) ?? []), mark.service]);
  for (const [through, names] of byThrough) await ledger.markServicesRefreshed(names, through, when);
}
