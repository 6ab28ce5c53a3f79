import { StoreError, UsageError } from '../../core/errors.js';
import type { CasSettingName, SettingValue } from '../../core/protocols.js';
import { unwritableSetting } from './unwritable-settings.js';
import { MAILBOX_FIELDS, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import { latestWrites } from '../../core/setting-writes.js';
import type {
  AppliedChange,
  ChangeContext,
  ChangeQuery,
  ChangeRecord,
  DirectoryStore,
  ImportOptions,
  ImportSummary,
  MailboxQuery,
  ImportRecord,
  ImportBatches,
  AppliedPlanChange,
  CasMailboxPlan,
  PlanWrite,
  OrganizationalUnit,
  PendingChanges,
  PruneQuery,
  PruneResult,
  ServiceState,
  SettingWrite,
  TransportConfig,
  TransportConfigWrite,
} from '../directory-store.js';
import { readTransportConfig, setTransportConfig } from './transport-config.js';
import { applyCasChanges } from './apply-changes.js';
import { ChangeLog } from './change-log.js';
import { PlanDirectory } from './mailbox-plans.js';
import { PlanBook } from '../../core/mailbox-plans.js';
import { pruneChangeRecords } from './prune-changes.js';
import { LdapConnection } from './connection.js';
import { IdentityResolver } from './identities.js';
import { importChange } from '../import-merge.js';
import { importMailboxes } from './import.js';
import { DirectoryLayout } from './layout.js';
import { MailboxSearch } from './mailbox-search.js';
import { OrganizationalUnits } from './organizational-units.js';
import { markServicesRefreshed, serviceStates } from './service-state.js';
import { ensureContainer, checkContainer, recordedProfile } from './container.js';
import { checkMappedAdministrators, checkMappedSchema } from './mapping-schema.js';
import { chooseMapping, type ProfileSources } from './profile-choice.js';
import { awaitReplica } from './replica-sync.js';
import type { LdapConnectionSettings } from './settings.js';
import { parseLdapUrl, type LdapStoreUrl } from './url.js';

export interface LdapStoreOptions {
  /** Create the base entry and cn=casctl when missing, or add the protocols an existing store lacks (only `casctl init` does). */
  create: boolean;
  /** How far adding a protocol's values to the mailboxes got (init on an existing store). */
  progress?: ProgressSink;
  /** Told what init does to an existing store. */
  onNotice?: (message: string) => void;
  /** The clock that tells an abandoned change record from one still being applied. */
  now: () => Date;
  /**
   * The command writes: the store must be the provider, which is checked at once (a read-only
   * replica refers writes elsewhere), before a long run fails at its first write.
   */
  write?: boolean;
  /** For a command that only reads: servers to read from first (a local replica), the store URL's servers after them. */
  readUrl?: string;
  /** Where the mapping onto an existing directory comes from (profile-choice.ts): init's option, the configuration. */
  profiles?: Omit<ProfileSources, 'recorded'>;
}

/**
 * The directory store on an LDAP server (OpenLDAP with schema/casmailbox.schema): mailboxes are
 * inetOrgPerson + casMailbox entries below `ou=` entries that mirror the canonical OU path; the
 * change history and service state live below cn=casctl,<base> so every admin host shares them.
 */
export class LdapStore implements DirectoryStore {
  private readonly mailboxes: MailboxSearch;
  private readonly units: OrganizationalUnits;
  private readonly identities: IdentityResolver;
  private readonly changeLog: ChangeLog;
  private readonly planDirectory: PlanDirectory;

  private constructor(
    readonly url: string,
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
    private readonly settings: LdapConnectionSettings,
    private readonly now: () => Date,
  ) {
    this.units = new OrganizationalUnits(connection, layout);
    this.mailboxes = new MailboxSearch(connection, layout, this.units);
    this.identities = new IdentityResolver(connection, layout, this.units);
    this.planDirectory = new PlanDirectory(connection, layout);
    this.changeLog = new ChangeLog(connection, layout, this.mailboxes, this.planDirectory, () => this.getTransportConfig());
  }

  static async open(url: string, settings: LdapConnectionSettings, options: LdapStoreOptions): Promise<LdapStore> {
    const target = parseLdapUrl(url);
    const connection = await LdapConnection.open(options.readUrl === undefined ? target : readTarget(options.readUrl, target), settings);
    let layout: DirectoryLayout;
    try {
      const recorded = await recordedProfile(connection, new DirectoryLayout(target.baseDn));
      const mapping = chooseMapping({ ...options.profiles, recorded }, target.storeUrl);
      layout = new DirectoryLayout(target.baseDn, mapping);
      if (mapping.profile !== null) await checkMappedSchema(connection, layout, target.storeUrl);
      if (options.create) {
        const { progress, onNotice } = options;
        const upgrade = { connection, layout, url: connection.serverUrl, concurrency: settings.concurrency, notice: onNotice ?? (() => undefined) };
        await ensureContainer(progress === undefined ? upgrade : { ...upgrade, progress });
      } else {
        await checkContainer(connection, layout, connection.serverUrl);
        if (options.write === true) await connection.checkWritable(layout.containerDn, 'description');
      }
      await checkMappedAdministrators(connection, layout);
    } catch (error) {
      await connection.close();
      throw error instanceof StoreError ? error : connection.fail(error, 'open the store');
    }
    return new LdapStore(target.storeUrl, connection, layout, settings, options.now);
  }

  findMailboxes<F extends MailboxField = MailboxField>(query: MailboxQuery, fields?: readonly F[]): AsyncIterable<Pick<Mailbox, F>[]> {
    return this.mailboxes.find(query, fields ?? (MAILBOX_FIELDS as readonly F[]));
  }

  countMailboxes(query: MailboxQuery): Promise<number> {
    return this.mailboxes.count(query);
  }

  resolveIdentities<F extends MailboxField = MailboxField>(identities: readonly string[], options: { wildcards: boolean; fields?: readonly F[] }): Promise<Map<string, Pick<Mailbox, F>[]>> {
    return this.identities.resolve(identities, options.wildcards, options.fields ?? (MAILBOX_FIELDS as readonly F[]));
  }

  findOrganizationalUnits(identity: string | undefined): Promise<OrganizationalUnit[]> {
    return this.units.find(identity);
  }

  /**
   * Not one transaction, unlike SQLite: LDAP has none across entries. Applied per mailbox, with
   * per-mailbox failures in the result; see apply-changes.ts.
   */
  async applyCasChanges(writes: readonly SettingWrite[], context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
    const defaults = await this.getTransportConfig();
    return applyCasChanges(this.connection, this.mailboxes, this.changeLog, latestWrites(writes), context, this.settings.concurrency, defaults, this.layout.mapping, progress);
  }

  getTransportConfig(): Promise<TransportConfig> {
    return readTransportConfig(this.connection, this.layout);
  }

  /** Not one transaction: the default, then the mailboxes that follow it; see transport-config.ts. */
  setTransportConfig(write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange> {
    const target = { connection: this.connection, layout: this.layout, mailboxes: this.mailboxes, changeLog: this.changeLog, concurrency: this.settings.concurrency };
    return setTransportConfig(target, write, context, progress);
  }

  changeRecords(query: ChangeQuery): AsyncIterable<ChangeRecord[]> {
    return this.changeLog.recordPages(query);
  }

  async getChangeRecords(query: ChangeQuery): Promise<ChangeRecord[]> {
    const records: ChangeRecord[] = [];
    for await (const page of this.changeLog.recordPages(query)) records.push(...page);
    return records;
  }

  /** Not one transaction (LDAP has none across entries): see prune-changes.ts for the order that keeps it safe. */
  pruneChangeRecords(query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): Promise<PruneResult> {
    const target = { connection: this.connection, layout: this.layout, changeLog: this.changeLog, concurrency: this.settings.concurrency };
    return pruneChangeRecords(target, query, record);
  }

  pendingChanges(afterChangeId: number): Promise<PendingChanges> {
    return this.changeLog.pending(afterChangeId, this.now());
  }

  serviceStates(): Promise<Map<string, ServiceState>> {
    return serviceStates(this.connection, this.layout);
  }

  markServicesRefreshed(names: readonly string[], throughChangeId: number, when: Date): Promise<void> {
    return markServicesRefreshed(this.connection, this.layout, names, throughChangeId, when);
  }

  /** Before a mail server's caches are flushed: its local consumer must hold every change (replica-sync.ts). */
  awaitReplica(url: string, timeoutMs: number): Promise<void> {
    return awaitReplica({ provider: this.connection, baseDn: this.layout.baseDn, settings: this.settings }, url, timeoutMs);
  }

  get profile(): string | undefined {
    return this.layout.mapping.profile ?? undefined;
  }

  settingProblem(property: CasSettingName, to: SettingValue): string | null {
    return unwritableSetting(this.layout.mapping, property, to);
  }

  async importMailboxes(batches: ImportBatches, when: Date, options: ImportOptions = {}): Promise<ImportSummary> {
    if (!this.layout.mapping.ownsEntries) {
      throw new UsageError(
        `import creates and rewrites whole mailbox entries; through the LDAP profile '${this.layout.mapping.profile ?? ''}' casctl changes only their ${this.layout.mapping.switches.attribute} switch values. Create mailboxes with the directory's own tools.`,
      );
    }
    // No transaction across entries: every record is read, and checked, before the first write.
    const records: ImportRecord[] = [];
    for await (const batch of batches) records.push(...batch);
    const { progress } = options;
    const context = {
      connection: this.connection,
      layout: this.layout,
      units: this.units,
      concurrency: this.settings.concurrency,
      plans: new PlanBook(await this.planDirectory.plans()),
      defaults: await this.getTransportConfig(),
      applyCasChanges: (writes: readonly SettingWrite[], change: ChangeContext) => this.applyCasChanges(writes, change, progress),
      ...(progress === undefined ? {} : { progress }),
    };
    return importMailboxes(context, records, importChange(when, options), options.whatIf === true);
  }

  getMailboxPlans(): Promise<CasMailboxPlan[]> {
    return this.planDirectory.plans();
  }

  /** Compare-and-set per plan (mailbox-plans.ts); a run that dies is reconciled as a mailbox change is. */
  async applyPlanChanges(writes: readonly PlanWrite[], context: ChangeContext): Promise<AppliedPlanChange> {
    await this.changeLog.reconcile(context.when);
    return this.planDirectory.apply(writes, context, this.changeLog);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** The read URL's servers first, then the store URL's (a replica that is down leaves the provider to answer); one base DN. */
function readTarget(readUrl: string, store: LdapStoreUrl): LdapStoreUrl {
  const read = parseLdapUrl(readUrl);
  if (read.baseDn.toLowerCase() !== store.baseDn.toLowerCase()) {
    throw new StoreError(`The read URL ${read.storeUrl} has another base DN than the store ${store.storeUrl}: a replica holds the same tree, so give it the same base.`);
  }
  const servers = [...read.servers, ...store.servers.filter((s) => !read.servers.some((r) => r.serverUrl === s.serverUrl))];
  return { ...read, servers };
}
