import type { IpNetwork } from '../core/ip-networks.js';
import type { ProgressSink } from '../core/progress-sink.js';
import type { Trace } from '../core/trace.js';
import type { EffectiveSetting } from './effective-setting.js';
import type { DovecotVersion } from '../dovecot/version.js';
import type { DirectoryStore } from './directory-store.js';
import type { LastLogonSource } from '../core/last-logons.js';
import type { LastLoginDictConnection } from './sql/last-login-dict.js';

/** The environment variables a driver may read (credentials, for LDAP): the command's, never process.env behind its back. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Where a configuration section was read from, for located errors and paths relative to the file. */
export interface ConfigFile {
  path: string;
  directory: string;
}

/** A section of the configuration file that a driver owns (`"ldap": {...}`), validated by that driver. */
export interface DriverConfigSection<Section> {
  /** Its key in the configuration file. */
  readonly name: string;
  /** Throws a ConfigError naming the file and the key at fault; never echoes a value (it may be a secret). */
  parse(value: unknown, file: ConfigFile): Section;
  /**
   * get-config: the settings a store of this kind would open with (the section's, or the
   * environment's that win over it) and where each comes from. A password is never read or shown:
   * only that it is set, and where.
   */
  describe(section: Section | undefined, env: Environment, cwd: string): EffectiveSetting[];
}

export interface DriverOpenOptions<Section> {
  /** What relative paths in the URL and the environment are relative to. */
  cwd: string;
  /** Create a missing store (only `casctl init` does). */
  create: boolean;
  /** The command only reads; a driver that can open read-only does. */
  readOnly: boolean;
  /**
   * Where a command that only reads may read from instead (a replica: an LDAP consumer, a SQL
   * standby), the store URL being the writer (provider, primary); writes and the re-check after
   * a write always use the store URL. Undefined: none configured. A driver without replicas refuses it.
   */
  readUrl: string | undefined;
  /**
   * `casctl init --profile <name>`: set the store up as a mapping onto the existing directory the
   * URL names (iRedMail's tables or entries) instead of casctl's own schema. A driver records it
   * in its own tables or entries, so later opens need no option; one without profiles refuses it.
   */
  profile?: string;
  /** This driver's section of the configuration file, as its `parse` returned it; undefined when the file has none. */
  section: Section | undefined;
  env: Environment;
  now: () => Date;
  /** Told, once, when a change waits for another writer to finish. */
  onWait: (message: string) => void;
  /** With `create`: how far bringing an existing store up to date got (a long LDAP upgrade), and what it did. */
  progress?: ProgressSink;
  onNotice: (message: string) => void;
  /** --verbose: where the driver shows each statement or operation it sends; undefined: nothing is shown. */
  trace: Trace | undefined;
}

export interface DovecotConfigRequest<Section> {
  /** The store's URL as the open store names it. */
  url: string;
  cwd: string;
  version: DovecotVersion;
  /** Where the files will live. */
  directory: string;
  /** --reason: tell a refused client why; a driver whose passdb cannot says so. */
  reason: boolean;
  /** Where the webmail logs in from (OWAEnabled); none: the webmail passdbs are left out. */
  webmailNetworks: readonly IpNetwork[];
  section: Section | undefined;
  /**
   * The servers this mail server's Dovecot reads, in the order it tries them (its local replica
   * first), as `scheme://host:port`; absent: the store URL's. A driver without such a list refuses it.
   */
  servers?: readonly string[];
  /** The account Dovecot binds as for its lookups (a read-only one of its own); the password only when given. */
  lookupAccount?: { dn: string; password: string | null };
  /** The command's environment: where a driver finds the credentials it may write for Dovecot (CASCTL_DOVECOT_SQL_PASSWORD_FILE). */
  env: Environment;
}

/**
 * A kind of directory store, registered by URL scheme in drivers.ts. The module that exports it
 * stays light: it loads the store itself (better-sqlite3, ldapts) and its Dovecot templates only
 * when asked to, so reading the configuration never pays for them.
 */
export interface StoreDriver<Section = unknown> {
  readonly name: string;
  /** The URL schemes it serves, lower case, as drivers.ts registers them. */
  readonly schemes: readonly string[];
  /** How its URLs are written, for the message that names the supported stores. */
  readonly urlForms: readonly string[];
  readonly configSection?: DriverConfigSection<Section>;
  /** The URL with a relative part made relative to `directory` (a configuration file's). */
  resolveUrl(url: string, directory: string): string;
  open(url: string, options: DriverOpenOptions<Section>): Promise<DirectoryStore>;
  /** The files (name → content) that make Dovecot enforce this store: casctl-auth.conf and whatever it includes. */
  dovecotConfig(request: DovecotConfigRequest<Section>): Promise<Map<string, string>>;
  /** Present when a database of this kind can hold the logins Dovecot's last_login plugin records (core/last-logons.ts). */
  readonly lastLogons?: LastLogonDriver<Section>;
}

export interface LastLogonOpenOptions<Section> {
  cwd: string;
  env: Environment;
  /** This driver's section of the configuration file (credentials), as for a store of the same kind. */
  section: Section | undefined;
  /** Logins older than this many days are not read; null: no retention. */
  retentionDays: number | null;
  now: () => Date;
  /** --verbose: where the statements sent to the database are shown. */
  trace?: Trace;
}

/** Where the logins database is, for the commands that set it up or prune it. */
export interface LastLogonTargetOptions<Section> {
  cwd: string;
  env: Environment;
  section: Section | undefined;
  /** --verbose: where the statements sent to the database are shown. */
  trace?: Trace;
}

export interface LastLogonPrepareOptions<Section> extends LastLogonTargetOptions<Section> {
  /** The directory store's URL: the logins database must never be the store itself. */
  storeUrl: string;
  /** The UNIX account Dovecot's dict process runs as (its default_internal_user): a name or a numeric uid. A file database is made writable by it. */
  dictUser: string;
  /** When recording is set up: kept in the database as when recording began, unless it already holds an earlier time. */
  now: Date;
}

/** What preparing the database did (stderr's info lines) and what the admin must still do (warnings). */
export interface LastLogonPrepared {
  done: string[];
  warnings: string[];
}

/** A database of the driver's kind as the place Dovecot records logins and casctl reads them. */
export interface LastLogonDriver<Section> {
  /** Opens the recorded logins for reading; a StoreError that says how to set recording up when the database or its table is missing. */
  open(url: string, options: LastLogonOpenOptions<Section>): Promise<LastLogonSource>;
  /**
   * As open, for the default place beside a store (cli/last-logons.ts lastLogonsTarget): null
   * when nothing records logins there yet (no file, no table), which is no error.
   */
  openIfRecorded(url: string, options: LastLogonOpenOptions<Section>): Promise<LastLogonSource | null>;
  /** How Dovecot's SQL dict connects to the database (get-dovecotconfig --last-logons, store/sql/last-login-dict.ts). */
  dictConnection(url: string, options: LastLogonTargetOptions<Section>): Promise<LastLoginDictConnection>;
  /** get-dovecotconfig --last-logons --write: creates the table if missing (Dovecot's dict creates none), where and as Dovecot's dict can write it. */
  prepare(url: string, options: LastLogonPrepareOptions<Section>): Promise<LastLogonPrepared>;
  /** prune-lastlogons: deletes the logins older than `before` (with `whatIf`, only counts them); how many. */
  prune(url: string, options: LastLogonTargetOptions<Section>, before: Date, whatIf: boolean): Promise<number>;
}
