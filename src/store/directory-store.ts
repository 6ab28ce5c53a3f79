import type { Mailbox, MailboxField } from '../core/mailbox.js';
import type { FilterAst } from '../filter/ast.js';
import type { CasSettingName, CasSettings, NullableSettingName, SettingValue, SettingValueOf, UseDefaultsName } from '../core/protocols.js';
import type { ProgressSink } from '../core/progress-sink.js';
import type { AppliedPlanChange, CasMailboxPlan, PlanChangeItem, PlanWrite } from '../core/mailbox-plans.js';

/** An organizational unit as Get-OrganizationalUnit would show it. */
export interface OrganizationalUnit {
  Guid: string;
  Name: string;
  /** `tailspintoys.com/North America/Finance` */
  CanonicalName: string;
  DistinguishedName: string;
}

/** What to read: every given criterion must hold (an intersection, as Exchange combines them). */
export interface MailboxQuery {
  /** Canonical name of an OU: that OU and every OU below it. */
  organizationalUnit?: string;
  filter?: FilterAst;
  guids?: readonly string[];
  limit?: number;
}

export type { CasSettingName, CasSettings, SettingValue } from '../core/protocols.js';
export type { AppliedPlanChange, CasMailboxPlan, PlanChangeItem, PlanWrite } from '../core/mailbox-plans.js';

/**
 * One setting to write to many mailboxes, set-based as the SQL that applies it. With `from`, only
 * where the stored value still equals it (how undo avoids clobbering later changes). A mailbox in
 * two writes of one setting gets the later one.
 */
export interface SettingWrite {
  property: CasSettingName;
  to: SettingValue;
  /** Only where the stored value is this one ($null too, for a nullable setting); absent: whatever it is. */
  from?: SettingValue;
  /** The mailboxes, by Guid. */
  guids: readonly string[];
}

/** Who changed what, from where: recorded with every applied change. */
export interface ChangeContext {
  when: Date;
  osUser: string;
  sudoUser: string | null;
  host: string;
  /** The command line, secrets removed. */
  commandLine: string;
  /** The change this run undoes. */
  undoOf?: number;
}

export interface AppliedChange {
  /** The change record's id; null when nothing needed changing (no record is written). */
  changeId: number | null;
  mailboxes: number;
  settings: number;
  /**
   * Mailboxes whose writes failed while others were applied: only stores without a transaction
   * across mailboxes (LDAP) report these; absent or empty when every write went through.
   */
  failures?: { Guid: string; message: string }[];
}

export interface ChangeItem {
  Guid: string;
  /** Null when the mailbox has since been removed from the store. */
  Name: string | null;
  PrimarySmtpAddress: string | null;
  Property: CasSettingName;
  Before: SettingValue;
  After: SettingValue;
}

/** The organisation's value of each nullable CAS setting: what a mailbox set to $null follows (Exchange's Get-TransportConfig). */
export type TransportConfig = Record<NullableSettingName, boolean>;

/** An organisation default a change set: recorded as a change of its own, without mailbox items. */
export interface TransportConfigChange {
  Property: NullableSettingName;
  Before: boolean;
  After: boolean;
}

/** A write of an organisation default; with `from`, only while it still holds that value (undo). */
export interface TransportConfigWrite {
  property: NullableSettingName;
  to: boolean;
  from?: boolean;
}

export interface ChangeRecord {
  Id: number;
  WhenChanged: string;
  User: string;
  SudoUser: string | null;
  Host: string;
  CommandLine: string;
  UndoOf: number | null;
  Changes: ChangeItem[];
  /** The CAS mailbox plan settings the change wrote (set-casmailboxplan, its undo); empty for a change of mailboxes. */
  PlanChanges: PlanChangeItem[];
  /**
   * The organisation defaults the change set (set-transportconfig, or its undo); absent for a
   * change of mailboxes. The mailboxes that follow a default are not items: their setting stays $null.
   */
  TransportConfig?: TransportConfigChange[];
  /**
   * `Applying` while a run is still writing it, or after one that died (LDAP, which has no
   * transaction: its Changes are what the run set out to change until the next change reconciles
   * it); `Complete` otherwise, and always on SQLite.
   */
  State: 'Complete' | 'Applying';
}

/** A mailbox whose setting changed since a service last refreshed, with the value it holds now. */
export interface PendingSetting {
  PrimarySmtpAddress: string;
  /** Every name the mailbox may log in as (its addresses and UPN, lower-case): Dovecot caches each one apart. */
  logins: string[];
  property: CasSettingName;
  enabled: boolean;
}

export interface PendingChanges {
  /** The newest change id: refreshing now makes every change up to it effective. */
  throughChangeId: number;
  settings: PendingSetting[];
}

export interface ServiceState {
  refreshedThrough: number;
  refreshedAt: string | null;
}

export interface ChangeQuery {
  id?: number;
  since?: Date;
  /** Only changes touching these mailboxes (and only their items). */
  guids?: readonly string[];
}

/** How changeRecords pages: never more records than this, and no further record once a page holds `items` items. */
export const CHANGE_PAGE = { records: 100, items: 10_000 } as const;

/** Which change records a prune removes: those older than `before` that no service still needs. */
export interface PruneQuery {
  before: Date;
  /**
   * Every service has refreshed through this change id: a newer record may still be pending for
   * one (refresh works out what to flush from the history), so it stays.
   */
  refreshedThrough: number;
}

/** What a prune removed (or, for a what-if, would remove). */
export interface PruneResult {
  records: number;
  items: number;
  /** The first and last id removed; null when none. */
  firstId: number | null;
  lastId: number | null;
  /** Older than `before` but kept: newer than `refreshedThrough` (on LDAP also: still being applied). */
  keptPending: number;
  /** Older than `before` but kept: a record that stays undid it, and its UndoOf must name a record. */
  keptUndone: number;
  /** The prune's own change record; null for a what-if or when nothing was removed. */
  changeId: number | null;
}

/** A field an import sets, each CustomAttribute<n> on its own: what a CSV column names (the Guid and primary address are keys). */
export type ImportField = Exclude<keyof ImportRecord, 'Guid' | 'PrimarySmtpAddress' | 'CustomAttributes' | 'Given' | 'Line'> | `CustomAttribute${number}`;

/**
 * The import row: a mailbox as a CSV row describes it, validated; what the store derives (ids,
 * times, flags) is left out. Not the output row (output/mailbox-output.ts).
 */
export type ImportRecord = Omit<Mailbox, 'Guid' | 'DistinguishedName' | 'IsAdministrator' | UseDefaultsName | CasSettingName | 'WhenCreated' | 'WhenChanged'> & {
  /**
   * Absent: the row does not give the setting (no column, or an empty cell). A new mailbox then
   * takes its OU's effective CAS mailbox plan (core/mailbox-plans.ts), an update keeps the stored value.
   * Null (a nullable setting only, given as `$null`): the mailbox follows the organisation default.
   */
  [K in CasSettingName]?: SettingValueOf<K>;
} & {
  /** Generated when null. */
  Guid: string | null;
  DistinguishedName: string | null;
  /** Already hashed, with a Dovecot scheme prefix; null keeps the stored one. */
  Password: string | null;
  /**
   * The fields the row sets. A new mailbox takes every field (defaults for the others); an update
   * changes only these, so a partial file never resets what it does not name. Absent: every
   * field (a whole mailbox, as code builds one).
   */
  Given?: readonly ImportField[];
  /** The file line the row ends on, for messages about it; absent for a record code builds. */
  Line?: number;
};

/** An import record with every CAS setting decided (by the row, the plan, or the stored mailbox): what a store writes. */
export type CompleteRecord = ImportRecord & Pick<Mailbox, CasSettingName>;

/** Import rows: a stream of batches, or batches at hand. */
export type ImportBatches = AsyncIterable<readonly ImportRecord[]> | Iterable<readonly ImportRecord[]>;

export type ImportValue = string | boolean | null | readonly string[];

/** One mailbox an import creates or changes (what `import --what-if` lists). */
export interface ImportItem {
  Action: 'create' | 'update';
  PrimarySmtpAddress: string;
  Name: string;
  /** For an update, each changed field before → after (a password shows only that it changes). */
  Changes: { Property: string; Before: ImportValue; After: ImportValue }[];
  /** For a create, the CAS settings it is created with: the row's, else its OU's plan (the Administrator's refused ones off). */
  Settings?: CasSettings;
}

export interface ImportOptions {
  /**
   * Who imports: the CAS settings an import changes are recorded as one change, like
   * set-casmailbox's. Absent: recorded as made through the store API.
   */
  change?: ChangeContext;
  /** Work everything out, report it in `items`, write nothing. */
  whatIf?: boolean;
  /** Where the import reports its phases and how far each got (a progress bar on a terminal). */
  progress?: ProgressSink;
  /** How many records the batches hold, when the caller knows: the total of the writing phase. */
  records?: number;
}

/** A row of the Administrator mailbox, as the import's warning names it. */
export interface AdministratorRow {
  Name: string;
  PrimarySmtpAddress: string;
  /** The record's Line, null when it has none. */
  Line: number | null;
}

export interface ImportSummary {
  created: number;
  updated: number;
  /** Existing mailboxes the file named that already held every value it gives. */
  unchanged: number;
  organizationalUnitsCreated: number;
  /** The change record of the CAS settings the import changed (listed, undoable, pending refresh); null when none. */
  changeId: number | null;
  casChanges: number;
  /** Rows of the Administrator mailbox (or one renamed to it) that enable POP3 or IMAP4: it is stored disabled. */
  administratorRefused: AdministratorRow[];
  /** With whatIf only: every mailbox created or changed. */
  items?: ImportItem[];
}

/**
 * Where mailboxes live. The core talks only to this interface; the SQLite and LDAP drivers
 * implement it. Reads stream (a directory may hold millions of mailboxes); writes are
 * all-or-nothing per call where the store allows it.
 */
export interface DirectoryStore {
  /** The store's URL, safe to print (never holds a secret). */
  readonly url: string;
  /**
   * The profile the store maps an existing directory through (`casctl init --profile`:
   * iredmail); absent for casctl's own schema. The deployment's own Dovecot queries then enforce,
   * so casctl prints none.
   */
  readonly profile?: string;
  /**
   * The mailboxes a query selects, a page at a time (pages are never empty: a million mailboxes
   * one await each would cost seconds). `fields`: what the caller reads; a store may read only
   * those (SQLite does), or more.
   */
  findMailboxes<F extends MailboxField = MailboxField>(query: MailboxQuery, fields?: readonly F[]): AsyncIterable<readonly Pick<Mailbox, F>[]>;
  countMailboxes(query: MailboxQuery): Promise<number>;
  /**
   * For each identity, every mailbox it names (exactly, case-insensitively; `*` wildcards when asked);
   * an identity that names none may be absent. `fields`: as for findMailboxes.
   */
  resolveIdentities<F extends MailboxField = MailboxField>(
    identities: readonly string[],
    options: { wildcards: boolean; fields?: readonly F[] },
  ): Promise<Map<string, Pick<Mailbox, F>[]>>;
  /** Every OU the text names: name, canonical name (`/` or `\`), DN or Guid; undefined: every OU. */
  findOrganizationalUnits(identity: string | undefined): Promise<OrganizationalUnit[]>;
  /**
   * Applies the writes that still change something and records them as one change, all in one
   * transaction: a crash leaves the store as before or as after, never in between. The
   * Administrator mailbox is never enabled, whatever the writes say. `progress` hears its
   * phases, ticked a batch at a time.
   */
  applyCasChanges(writes: readonly SettingWrite[], context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange>;
  /** The organisation defaults of the nullable settings (casctl's built-in: SMTP AUTH allowed). */
  getTransportConfig(): Promise<TransportConfig>;
  /**
   * Sets an organisation default and, with it, what Dovecot reads for every mailbox that follows
   * it ($null), recorded as one change (AppliedChange.mailboxes: the mailboxes whose logins it
   * turned). All or nothing on SQLite; on LDAP the default first, then the mailboxes, and a run
   * cut short is finished by running it again. Changing nothing records nothing (changeId null).
   */
  setTransportConfig(write: TransportConfigWrite, context: ChangeContext, progress?: ProgressSink): Promise<AppliedChange>;
  /**
   * The change records a query selects, oldest first, each whole, a page at a time (CHANGE_PAGE),
   * so memory follows the largest record, not the history.
   */
  changeRecords(query: ChangeQuery): AsyncIterable<readonly ChangeRecord[]>;
  /** All of changeRecords in one array: for one record (undo) or a short history. */
  getChangeRecords(query: ChangeQuery): Promise<ChangeRecord[]>;
  /**
   * Removes the records the query selects, with their items. With `record`, the prune writes a
   * change record of its own (no items), described from what it removed, and only when it removes
   * something; without, it only counts (what-if). All or nothing where the store has transactions
   * (SQLite); LDAP deletes each record's item blocks before the record, so a prune cut short
   * leaves whole records or records with fewer items, and running it again finishes it.
   */
  pruneChangeRecords(query: PruneQuery, record?: (removed: PruneResult) => ChangeContext): Promise<PruneResult>;
  /** The settings changed after `afterChangeId`, one entry per mailbox and setting. */
  pendingChanges(afterChangeId: number): Promise<PendingChanges>;
  /** When each named protocol service last refreshed (services never refreshed are absent). */
  serviceStates(): Promise<Map<string, ServiceState>>;
  /**
   * Marks are kept by name: a service's (MSExchangeIMAP4), or a service on one of several mail
   * servers (`MSExchangeIMAP4@mx1`, services/service-ledger.ts markName), each apart.
   */
  markServicesRefreshed(names: readonly string[], throughChangeId: number, when: Date): Promise<void>;
  /**
   * Resolves once the replica at `url` (a mail server's local copy of this store) holds every
   * change this store holds now; fails after `timeoutMs`. Only stores with replicas have it (LDAP).
   */
  awaitReplica?(url: string, timeoutMs: number): Promise<void>;
  /**
   * Imports validated records: creates new mailboxes, and changes only the given fields of
   * existing ones (matched by Guid, else primary address). CAS settings changed on existing
   * mailboxes go through applyCasChanges' rules (one change record, the Administrator never
   * enabled). All or nothing where the store has transactions (SQLite): when the batches throw,
   * nothing is imported. Batches should be validated (and hashed) up front: SQLite holds its write
   * lock while it reads them.
   */
  importMailboxes(batches: ImportBatches, when: Date, options?: ImportOptions): Promise<ImportSummary>;
  /** Every CAS mailbox plan (the directory's and each OU's that has one; a directory has few). */
  getMailboxPlans(): Promise<CasMailboxPlan[]>;
  /**
   * Writes plan settings compare-and-set (each only while the plan still holds its `from`; a
   * plan is created by its first write) and records what changed as one change record with plan
   * items, on the mailboxes' timeline. Never touches a mailbox. A write already holding its `to`
   * is no change; one whose `from` no longer holds is a conflict, returned and not written. A
   * value a plan may not hold (null for a setting that is not nullable) is a UsageError.
   */
  applyPlanChanges(writes: readonly PlanWrite[], context: ChangeContext): Promise<AppliedPlanChange>;
  /**
   * Why the store cannot hold `to` for a setting, in words for the admin (a mapping onto an
   * existing directory may have no place for it: iRedMail has no webmail switch of its own);
   * null when it can. Absent: every setting can be written. applyCasChanges refuses the same.
   */
  settingProblem?(property: CasSettingName, to: SettingValue): string | null;
  close(): Promise<void>;
}
