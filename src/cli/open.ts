import { printable } from '../core/printable.js';
import type { Progress } from '../output/progress.js';
import type { DirectoryStore } from '../store/directory-store.js';
import { openStore } from '../store/open-store.js';
import { readOnlyStore } from '../store/read-only-store.js';
import { UsageError } from '../core/errors.js';
import { loadConfig, readStoreUrl, storeUrl, type CasctlConfig } from './config.js';
import type { CommandContext } from './context.js';
import { traceFor } from './verbose.js';

export interface GlobalOptions {
  store?: string;
  config?: string;
  /** `--read-only`: refuse every write, so an audit cannot change the store whatever the bind account may do. */
  readOnly?: boolean;
  /** A command's `--what-if` (a write command that only shows what it would do works read-only). */
  whatIf?: boolean;
  /** `casctl init --profile <name>`: a mapping onto an existing directory. */
  profile?: string;
  /** `--verbose`: the SQL statements, LDAP operations and service commands, on stderr (verbose.ts). */
  verbose?: boolean;
}

// One read of the config per command run: the store, the services and a command's own settings
// (a time zone, a driver section) all see the same file, read and trust-checked once.
const configs = new WeakMap<CommandContext, Map<string | undefined, Promise<CasctlConfig>>>();

export function configFor(context: CommandContext, options: GlobalOptions): Promise<CasctlConfig> {
  let byOption = configs.get(context);
  if (byOption === undefined) configs.set(context, (byOption = new Map()));
  let config = byOption.get(options.config);
  if (config === undefined) {
    config = loadConfig({ configOption: options.config, env: context.env, cwd: context.cwd });
    byOption.set(options.config, config);
  }
  return config;
}

/**
 * How a command uses the store: `read` (the default: it cannot change the store, so a store the
 * user may only read will do), `write`, or `create` (only `casctl init`).
 */
export type StoreUse = 'read' | 'write' | 'create';

/**
 * The store the command line, the environment or the config file names. `progress`: where
 * opening reports long work (init bringing an existing store up to date) and takes its bar off
 * the line for messages.
 */
export async function openConfiguredStore(context: CommandContext, options: GlobalOptions, use: StoreUse = 'read', progress?: Progress): Promise<DirectoryStore> {
  const readOnly = options.readOnly === true;
  if (readOnly && use !== 'read' && options.whatIf !== true) {
    throw new UsageError(`--read-only: this command ${use === 'create' ? 'creates or upgrades' : 'changes'} the store, so nothing was done. Run it without --read-only${use === 'create' ? '' : ', or with --what-if to see what it would change'}.`);
  }
  const config = await configFor(context, options);
  const say = (message: string): void => void (progress?.messageStream ?? context.stderr).write(`${printable(message)}\n`);
  const readUrl = use === 'read' ? readStoreUrl(options.store, config, context.env) : undefined;
  const trace = traceFor(context, options);
  const store = await openStore(storeUrl(options.store, config, context.env), context.cwd, {
    create: use === 'create',
    readOnly: use === 'read' || readOnly,
    ...(readUrl === undefined ? {} : { readUrl }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    sections: config.sections,
    env: context.env,
    now: context.now,
    onWait: say,
    onNotice: say,
    ...(progress === undefined ? {} : { progress }),
    ...(trace === undefined ? {} : { trace }),
  });
  return readOnly ? readOnlyStore(store) : store;
}

/** Runs `work` with the store open and always closes it. */
export async function withStore<T>(
  context: CommandContext,
  options: GlobalOptions,
  work: (store: DirectoryStore) => Promise<T>,
  use: StoreUse = 'read',
  progress?: Progress,
): Promise<T> {
  const store = await openConfiguredStore(context, options, use, progress);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
