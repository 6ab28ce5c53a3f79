import { UsageError } from '../core/errors.js';
import type { DirectoryStore } from './directory-store.js';

/**
 * The store behind `--read-only`: every read goes through, every write is refused before it
 * reaches the store, so an audit with a bind account that may write still cannot change anything.
 * What-ifs (an import's) and counts (a prune's) are reads.
 */
export function readOnlyStore(store: DirectoryStore): DirectoryStore {
  const refuse = (what: string): never => {
    throw new UsageError(`--read-only: ${what} would change the store ${store.url}; nothing was changed. Run it without --read-only (or with --what-if to see what it would do).`);
  };
  return {
    get url() {
      return store.url;
    },
    get profile() {
      return store.profile;
    },
    findMailboxes: (query, fields) => store.findMailboxes(query, fields),
    countMailboxes: (query) => store.countMailboxes(query),
    resolveIdentities: (identities, options) => store.resolveIdentities(identities, options),
    findOrganizationalUnits: (identity) => store.findOrganizationalUnits(identity),
    applyCasChanges: () => refuse('changing CAS settings'),
    getTransportConfig: () => store.getTransportConfig(),
    setTransportConfig: () => refuse('changing an organisation default'),
    changeRecords: (query) => store.changeRecords(query),
    getChangeRecords: (query) => store.getChangeRecords(query),
    pruneChangeRecords: (query, record) => (record === undefined ? store.pruneChangeRecords(query) : refuse('pruning the change history')),
    pendingChanges: (after) => store.pendingChanges(after),
    serviceStates: () => store.serviceStates(),
    markServicesRefreshed: () => refuse('recording a service refresh'),
    importMailboxes: (batches, when, options) => (options?.whatIf === true ? store.importMailboxes(batches, when, options) : refuse('importing mailboxes')),
    getMailboxPlans: () => store.getMailboxPlans(),
    applyPlanChanges: () => refuse('changing a CAS mailbox plan'),
    ...(store.settingProblem === undefined ? {} : { settingProblem: (property, to) => store.settingProblem?.(property, to) ?? null }),
    close: () => store.close(),
  };
}
