import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../core/errors.js';
import { dovecotAuthFiles } from '../../dovecot/auth-config.js';
import { sqlitePath } from '../../store/open-store.js';
import type { CommandContext } from '../context.js';
import { configFor, withStore, type GlobalOptions } from '../open.js';

interface DovecotConfigOptions extends GlobalOptions {
  write?: string;
  reason?: boolean;
}

const DEFAULT_DIRECTORY = '/etc/dovecot';

/** The files for the store in use: Dovecot's SQL passdb on SQLite, its LDAP passdb on LDAP. */
async function filesFor(url: string, directory: string, context: CommandContext, options: DovecotConfigOptions): Promise<Map<string, string>> {
  const databasePath = sqlitePath(url, context.cwd);
  if (databasePath !== null) return dovecotAuthFiles({ databasePath, directory, reason: options.reason === true }).files;
  if (options.reason === true) {
    throw new UsageError('--reason is for the SQLite store: the LDAP passdb cannot tell a refused client why.');
  }
  const ldap = configFor(context, options).ldap;
  const { dovecotLdapFiles } = await import('../../dovecot/ldap-auth-config.js');
  return dovecotLdapFiles({
    storeUrl: url,
    directory,
    ...(ldap?.startTls === undefined ? {} : { startTls: ldap.startTls }),
    ...(ldap?.caFile === undefined ? {} : { caFile: ldap.caFile }),
  });
}

/** Prints, or writes, the passdb/userdb configuration that makes Dovecot enforce the store in use. */
export async function run(context: CommandContext, options: DovecotConfigOptions): Promise<number> {
  return withStore(context, options, async (store) => {
    const directory = options.write === undefined ? DEFAULT_DIRECTORY : resolve(context.cwd, options.write);
    const files = await filesFor(store.url, directory, context, options);
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
