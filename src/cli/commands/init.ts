import { UsageError, ExitCode } from '../../core/errors.js';
import { packageFile } from '../../core/package-root.js';
import { readMailboxCsv } from '../../input/mailbox-csv.js';
import { HashPool } from '../../input/hash-pool.js';
import type { ImportRecord } from '../../store/directory-store.js';
import type { CommandContext } from '../context.js';
import { commandProgress } from '../command-progress.js';
import { withStore, type GlobalOptions } from '../open.js';
import { describeImport } from './import.js';

const SAMPLE = packageFile('fixtures/sample-directory.csv');

interface InitOptions extends GlobalOptions {
  sample?: boolean;
}

async function readSample(): Promise<ImportRecord[]> {
  const pool = new HashPool();
  try {
    return await readMailboxCsv(SAMPLE, pool);
  } finally {
    await pool.close();
  }
}

/** Creates the store, or brings an existing one up to the current schema; never replaces one. */
export async function run(context: CommandContext, options: InitOptions): Promise<number> {
  const records = options.sample === true ? await readSample() : [];
  // An LDAP store made before casctl knew a protocol gets its values on every mailbox: long on a big directory.
  const progress = commandProgress(context);
  try {
    await withStore(
      context,
      options,
      async (store) => {
        // The store is open, so any upgrade is over: its bar goes before the messages.
        progress.stop();
        if (options.sample === true) {
          const existing = await store.countMailboxes({});
          if (existing > 0) {
            throw new UsageError(`The store ${store.url} already holds ${existing} mailboxes; --sample loads only into an empty store.`);
          }
          const summary = await store.importMailboxes([records], context.now());
          context.stderr.write(`${describeImport('sample directory (Tailspin Toys)', summary)}\n`);
        }
        const mapped = store.profile === undefined ? '' : ` (an existing directory, through the profile '${store.profile}': casctl added only its own entries, and changes nothing of the mailboxes but their mapped switch values)`;
        context.stderr.write(`Directory store ready: ${store.url}${mapped}\n`);
      },
      'create',
      progress,
    );
  } finally {
    progress.stop();
  }
  return ExitCode.Ok;
}
