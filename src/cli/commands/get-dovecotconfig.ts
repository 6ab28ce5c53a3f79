import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../core/errors.js';
import { dovecotAuthFiles } from '../../dovecot/auth-config.js';
import { sqlitePath } from '../../store/open-store.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';

interface DovecotConfigOptions extends GlobalOptions {
  write?: string;
  reason?: boolean;
}

const DEFAULT_DIRECTORY = '/etc/dovecot';

/** Prints, or writes, the passdb/userdb configuration that makes Dovecot enforce the store in use. */
export async function run(context: CommandContext, options: DovecotConfigOptions): Promise<number> {
  return withStore(context, options, async (store) => {
    const databasePath = sqlitePath(store.url, context.cwd);
    if (databasePath === null) throw new UsageError(`get-dovecotconfig does not support the store ${store.url}.`);
    const directory = options.write === undefined ? DEFAULT_DIRECTORY : resolve(context.cwd, options.write);
    const { files } = dovecotAuthFiles({ databasePath, directory, reason: options.reason === true });
    if (options.write === undefined) {
      for (const [name, content] of files) context.stdout.write(`# ---- ${join(directory, name)} ----\n${content}\n`);
      return ExitCode.Ok;
    }
    try {
      mkdirSync(directory, { recursive: true });
      for (const [name, content] of files) {
        const path = join(directory, name);
        writeFileSync(path, content, { mode: 0o640 });
        chmodSync(path, 0o640);
        context.stderr.write(`Wrote ${path}\n`);
      }
    } catch (error) {
      throw new UsageError(`Cannot write the Dovecot configuration to '${directory}': ${(error as Error).message}`);
    }
    return ExitCode.Ok;
  });
}
