import { StoreError } from '../core/errors.js';
import type { ProgressSink } from '../core/progress-sink.js';
import type { Trace } from '../core/trace.js';
import type { DirectoryStore } from './directory-store.js';
import { driverFor } from './drivers.js';
import type { Environment } from './store-driver.js';

export interface OpenStoreOptions {
  /** Create a missing store (only `casctl init` does). */
  create: boolean;
  /**
   * The command only reads: a SQLite store is opened read-only, so a user who may only read the
   * file can use it, and a file that is not a casctl store is never written. LDAP ignores it.
   */
  readOnly?: boolean;
  /** A replica to read from when the command only reads (the configuration's "readStore"); see DriverOpenOptions.readUrl. */
  readUrl?: string;
  /** `casctl init --profile <name>` (store-driver.ts). */
  profile?: string;
  /** The configuration file's driver sections by name (`ldap`), each as its driver validated it. */
  sections?: Readonly<Record<string, unknown>>;
  /** Where a driver reads its credentials (CASCTL_LDAP_BIND_DN, ...); absent: nowhere (the CLI passes its command's). */
  env?: Environment;
  /** The store's clock; absent: the system clock (the CLI passes its command's). */
  now?: () => Date;
  /** Told, once, when a change waits for another writer to finish (stderr, in the CLI). */
  onWait?: (message: string) => void;
  /** With `create`: how far bringing an existing store up to date got, and what it did (stderr, in the CLI). */
  progress?: ProgressSink;
  onNotice?: (message: string) => void;
  /** --verbose: where the driver shows the statements or operations it sends. */
  trace?: Trace;
}

/** Loads the driver the URL's scheme names, lazily, so commands that never touch a store start fast. */
export async function openStore(url: string, cwd: string, options: OpenStoreOptions): Promise<DirectoryStore> {
  const driver = await driverFor(url);
  const name = driver.configSection?.name;
  const { readUrl } = options;
  if (readUrl !== undefined && (await driverFor(readUrl)) !== driver) {
    throw new StoreError(`The read store ${readUrl} is not a replica of ${url}: a read URL names the same kind of store as the store URL.`);
  }
  return driver.open(url, {
    cwd,
    create: options.create,
    readOnly: options.readOnly === true,
    readUrl: readUrl === undefined ? undefined : driver.resolveUrl(readUrl, cwd),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    section: name === undefined ? undefined : options.sections?.[name],
    env: options.env ?? {},
    now: options.now ?? (() => new Date()),
    onWait: options.onWait ?? (() => undefined),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    onNotice: options.onNotice ?? (() => undefined),
    trace: options.trace,
  });
}
