import { chownSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { IpNetwork } from '../core/ip-networks.js';
import type { DovecotVersion } from '../dovecot/version.js';
import type { Messages } from '../output/messages.js';
import { lastLogonDovecotFiles, lastLogonTarget, type LastLogonTarget } from '../store/last-logons.js';
import { systemAccount, unreachableBy } from '../store/system-account.js';
import type { CommandContext } from './context.js';
import { lastLogonsTarget as lastLogonsUrl } from './last-logons.js';
import { configFor, type GlobalOptions } from './open.js';
import { traceFor } from './verbose.js';

export interface LastLogonsOptions extends GlobalOptions {
  lastLogons?: boolean;
  dictUser?: string;
  mailUser?: string;
}

/** Dovecot's default_internal_user, as which its dict process runs in both versions. */
const DEFAULT_DICT_USER = 'dovecot';
/** The mail_uid of casctl's Dovecot recipes: the user the imap and pop3 processes run as. */
const DEFAULT_MAIL_USER = 'vmail';

export interface LastLogonsSetup {
  target: LastLogonTarget;
  files: Map<string, string>;
  /** Of those, the files Dovecot's dict process reads as its own user. */
  readByDict: readonly string[];
  /** --dict-user: the user Dovecot's dict process runs as. */
  dictUser: string;
}

/**
 * --last-logons: the files that make Dovecot record each login where casctl reads it (the
 * configured "lastLogons" database, else the file beside a SQLite store), and the database that
 * --write sets up. `webmailNetworks`: where the webmail's IMAP logins, recorded as OWA's, come from.
 */
export async function lastLogonsSetup(
  context: CommandContext,
  options: LastLogonsOptions,
  directory: string,
  version: DovecotVersion,
  webmailNetworks: readonly IpNetwork[],
): Promise<LastLogonsSetup | undefined> {
  if (options.lastLogons !== true) {
    if (options.dictUser !== undefined || options.mailUser !== undefined) throw new UsageError('--dict-user and --mail-user go with --last-logons.');
    return undefined;
  }
  const config = await configFor(context, options);
  const where = await lastLogonsUrl(context, options, config);
  if (where === undefined) {
    throw new UsageError(
      'A directory server holds no logins, so an LDAP store has no default place for them: name the SQL database the mail servers share to record them in with "lastLogons": {"url": "postgres://casctl@host/database"} (or mysql://...) in the configuration file (or CASCTL_LAST_LOGONS).',
    );
  }
  const target = await lastLogonTarget(where.url, { cwd: context.cwd, env: context.env, sections: config.sections, trace: traceFor(context, options) });
  const { files, readByDict } = await lastLogonDovecotFiles(target, { version, directory, mailUser: options.mailUser ?? DEFAULT_MAIL_USER, webmailNetworks });
  return { target, files, readByDict, dictUser: options.dictUser ?? DEFAULT_DICT_USER };
}

/** A file the dict process reads as its own user: owned by it, still mode 0640, and reachable. */
export function giveToDict(path: string, user: string, messages: Messages): void {
  const account = systemAccount(user, "--dict-user, the user Dovecot's dict runs as,");
  try {
    chownSync(path, account.uid, -1);
  } catch (error) {
    messages.warning(`Dovecot's dict (user ${account.name}) cannot read ${path} until, as root: chown ${account.uid} ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const reach = unreachableBy(path, account, "Dovecot's dict");
  if (reach !== null) messages.warning(reach);
}

/** --write: the database set up for the dict to write (created, its table, its owner), said on stderr with what is left to do. */
export async function prepareLastLogons(setup: LastLogonsSetup, storeUrl: string, messages: Messages, now: Date): Promise<void> {
  const { target } = setup;
  const prepared = await target.driver.prepare(target.url, { cwd: target.cwd, env: target.env, section: target.section, storeUrl, dictUser: setup.dictUser, now, ...(target.trace === undefined ? {} : { trace: target.trace }) });
  for (const line of prepared.done) messages.info(line);
  for (const line of prepared.warnings) messages.warning(line);
}
