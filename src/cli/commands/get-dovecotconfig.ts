import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { IpNetwork } from '../../core/ip-networks.js';
import { configValue } from '../../dovecot/config-value.js';
import { detectDovecotVersion } from '../../dovecot/detect-version.js';
import { parseVersionOption, type DovecotVersion } from '../../dovecot/version.js';
import { networksValue } from '../../dovecot/webmail-passdbs.js';
import { Messages } from '../../output/messages.js';
import { readServiceSetup } from '../../services/service-config.js';
import { driverFor } from '../../store/drivers.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { configFor, withStore } from '../open.js';
import { giveToDict, lastLogonsSetup, prepareLastLogons, type LastLogonsOptions } from '../last-logons-setup.js';
import { parseWebmailNetworkOptions, sameNetworks } from '../webmail-networks.js';
import { commandRunner } from '../verbose.js';

interface DovecotConfigOptions extends LastLogonsOptions {
  write?: string;
  reason?: boolean;
  dovecotVersion?: string;
  webmailNetwork?: string[];
  ldapUri?: string[];
  ldapBindDn?: string;
  ldapBindPasswordFile?: string;
}

/**
 * The lookup account of --ldap-bind-dn. Its password (from a file, never argv) goes only into
 * files --write writes, mode 0640: printed, the configuration says where it goes instead.
 */
function lookupAccount(context: CommandContext, options: DovecotConfigOptions, messages: Messages): { dn: string; password: string | null } | undefined {
  const { ldapBindDn: dn, ldapBindPasswordFile: file } = options;
  if (dn === undefined) {
    if (file !== undefined) throw new UsageError('--ldap-bind-password-file goes with --ldap-bind-dn (the account Dovecot looks mailboxes up as).');
    return undefined;
  }
  if (file === undefined || options.write === undefined) {
    if (file !== undefined) messages.warning('The lookup password is written only with --write: the printed configuration says where it goes.');
    return { dn, password: null };
  }
  let text: string;
  try {
    text = readFileSync(resolve(context.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the lookup password file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new UsageError(`The lookup password file '${file}' is empty.`);
  return { dn, password };
}

const DEFAULT_DIRECTORY = '/etc/dovecot';

/**
 * --webmail-network, else the configuration's dovecot.webmailNetworks. Refreshes know only the
 * configuration's, by which they tell the webmail's sessions from the mail clients': said when
 * the two differ. None: said that OWAEnabled is not enforced.
 */
async function webmailNetworks(context: CommandContext, options: DovecotConfigOptions, messages: Messages): Promise<readonly IpNetwork[]> {
  const configured = (await configFor(context, options)).dovecot.webmailNetworks;
  const given = options.webmailNetwork === undefined ? configured : parseWebmailNetworkOptions(options.webmailNetwork);
  if (given.length === 0) {
    messages.warning(
      'OWAEnabled is stored but not enforced: no webmail networks are configured. Add "dovecot": {"webmailNetworks": ["<the webmail\'s address>/32"]} to the configuration file (or give --webmail-network), then regenerate.',
    );
  } else if (!sameNetworks(given, configured)) {
    messages.warning(
      `--webmail-network differs from the configuration's dovecot.webmailNetworks (${configured.length === 0 ? 'none' : networksValue(configured)}), by which refreshes tell the webmail's IMAP sessions from the mail clients': set it to ${JSON.stringify(given.map((n) => n.text))} too.`,
    );
  }
  return given;
}

/** The files for the store in use, from its driver: Dovecot's SQL passdb on SQLite, its LDAP passdb on LDAP. */
async function filesFor(
  url: string,
  directory: string,
  version: DovecotVersion,
  networks: readonly IpNetwork[],
  context: CommandContext,
  options: DovecotConfigOptions,
  messages: Messages,
): Promise<Map<string, string>> {
  configValue('The directory', directory);
  const driver = await driverFor(url);
  const name = driver.configSection?.name;
  const section = name === undefined ? undefined : (await configFor(context, options)).sections[name];
  const account = lookupAccount(context, options, messages);
  return driver.dovecotConfig({
    url,
    cwd: context.cwd,
    version,
    directory,
    reason: options.reason === true,
    webmailNetworks: networks,
    section,
    env: context.env,
    ...(options.ldapUri === undefined ? {} : { servers: options.ldapUri }),
    ...(account === undefined ? {} : { lookupAccount: account }),
  });
}

/**
 * Writes a file as a new file beside it, renamed over the target: a reader never sees half a
 * file, and a symlink planted where the file goes is refused, never followed (as root, following
 * it would overwrite whatever it points at).
 */
function writeSafely(path: string, content: string): void {
  let existing: Stats | undefined;
  try {
    existing = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (existing !== undefined && !existing.isFile()) {
    throw new UsageError(`'${path}' is ${existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}: casctl does not write through it. Remove it and run again.`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  // 'wx': O_CREAT | O_EXCL, so not even the temp name can be a planted link.
  writeFileSync(temporary, content, { mode: 0o640, flag: 'wx' });
  try {
    chmodSync(temporary, 0o640);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** --dovecot-version, else the version of the Dovecot the configured services reach (said on stderr). */
async function chosenVersion(context: CommandContext, options: DovecotConfigOptions, messages: Messages): Promise<DovecotVersion> {
  if (options.dovecotVersion !== undefined) return parseVersionOption(options.dovecotVersion);
  const config = await configFor(context, options);
  const setup = config.services === undefined ? null : readServiceSetup(config.services, config.path);
  // Several mail servers run one Dovecot version (the files differ only in the servers they read): the first tells.
  const detected = await detectDovecotVersion(setup?.servers[0]?.version ?? null, commandRunner(context, options));
  messages.info(`Dovecot ${detected.version} syntax: ${detected.how} (choose with --dovecot-version 2.3|2.4).`);
  return detected.version;
}

/** Prints, or writes, the passdb/userdb configuration that makes Dovecot enforce the store in use. */
export async function run(context: CommandContext, options: DovecotConfigOptions): Promise<number> {
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const version = await chosenVersion(context, options, messages);
  return withStore(context, options, async (store) => {
    if (store.profile !== undefined) {
      throw new UsageError(
        `${store.url} is an existing directory casctl manages through the profile '${store.profile}': the deployment's own Dovecot queries read the switches casctl sets and keep enforcing them, so there is no configuration to print. After a change, run refresh-service (or use --restart) to flush Dovecot's cache.`,
      );
    }
    const directory = options.write === undefined ? DEFAULT_DIRECTORY : resolve(context.cwd, options.write);
    // One list for both: the passdbs that enforce OWAEnabled and the filters that record its logins.
    const networks = await webmailNetworks(context, options, messages);
    const files = await filesFor(store.url, directory, version, networks, context, options, messages);
    const logons = await lastLogonsSetup(context, options, directory, version, networks);
    for (const [name, content] of logons?.files ?? []) files.set(name, content);
    if (options.write === undefined) {
      for (const [name, content] of files) context.stdout.write(`# ---- ${join(directory, name)} ----\n${content}\n`);
      return ExitCode.Ok;
    }
    // The database first: a configuration that names a database Dovecot cannot write only logs errors at every login.
    if (logons !== undefined) await prepareLastLogons(logons, store.url, messages, context.now());
    try {
      mkdirSync(directory, { recursive: true });
      for (const [name, content] of files) {
        const path = join(directory, name);
        writeSafely(path, content);
        messages.info(`Wrote ${path}`);
      }
      if (logons !== undefined) for (const name of logons.readByDict) giveToDict(join(directory, name), logons.dictUser, messages);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`Cannot write the Dovecot configuration to '${directory}': ${(error as Error).message}`);
    }
    return ExitCode.Ok;
  });
}
