import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { readAtMost } from '../input/bounded-read.js';
import { parseTimeZone, type TimeZone } from '../output/time-zone.js';
import { allDrivers, findDriver } from '../store/drivers.js';
import type { DriverConfigSection } from '../store/store-driver.js';
import { CONFIG_LOCATIONS, type LocationSources } from './config-locations.js';
import { NO_DOVECOT_SETTINGS, parseDovecotSection, type DovecotSettings } from './webmail-networks.js';

/** The casctl configuration file (JSON). */
export interface CasctlConfig {
  /** Where it was read from, or null when no file was found. */
  path: string | null;
  store?: string;
  /**
   * `readStore`: where commands that only read (get-*, audits, get-service) read from, a replica
   * of "store" (an LDAP consumer on this host); writes always go to "store".
   */
  readStore?: string;
  /** The `services` section, validated by src/services/service-config.ts when a command needs it. */
  services?: unknown;
  /** `timeZone`: where get-changelog's table, list and csv show times (json: always UTC). Absent: UTC. */
  timeZone?: TimeZone;
  /** The `dovecot` section (cli/webmail-networks.ts); no webmail networks when the file has none. */
  dovecot: DovecotSettings;
  /** The `lastLogons` section (cli/last-logons.ts): where Dovecot records logins, and for how long they are kept. */
  lastLogons?: LastLogonsSettings;
  /** The store drivers' sections by name (`ldap`), each validated by its driver. Never printed: they may hold a password. */
  sections: Readonly<Record<string, unknown>>;
  /** ./casctl.db of the directory casctl runs in: the store when nothing names one. */
  defaultStore: string;
}

/** `"lastLogons": {"url": ..., "retentionDays": ...}`, both optional. */
export interface LastLogonsSettings {
  url?: string;
  /** null: `"retentionDays": null`, kept until pruned; absent: the default (cli/last-logons.ts). */
  retentionDays?: number | null;
}

export type ConfigSources = LocationSources;

/** A config file holds a few sections written by hand, a few KiB; more than this is not one (`--config /dev/zero`). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The first file of CONFIG_LOCATIONS (--config, CASCTL_CONFIG, ./casctl.config.json,
 * $XDG_CONFIG_HOME/casctl/config.json, /etc/casctl/config.json) is the configuration; none is fine.
 * Files are never merged: the services section runs commands as root, and what runs must be
 * readable in one file, not pieced together from several.
 */
export async function loadConfig(sources: ConfigSources): Promise<CasctlConfig> {
  const defaultStore = resolve(sources.cwd, 'casctl.db');
  for (const location of CONFIG_LOCATIONS) {
    const path = location.path(sources);
    if (path === undefined) continue;
    const config = await readConfig(path, location.named);
    if (config.path !== null) return { ...config, defaultStore };
  }
  return { path: null, dovecot: NO_DOVECOT_SETTINGS, sections: {}, defaultStore };
}

async function readConfig(path: string, named: boolean): Promise<Omit<CasctlConfig, 'defaultStore'>> {
  let read: ReturnType<typeof readAtMost>;
  try {
    read = readAtMost(path, MAX_CONFIG_BYTES);
  } catch (error) {
    if (!named && absent(path, error)) return { path: null, dovecot: NO_DOVECOT_SETTINGS, sections: {} };
    throw new ConfigError(`Cannot read the configuration file '${path}': ${(error as Error).message}`);
  }
  if (read.bytes === null) {
    throw new ConfigError(`The configuration file '${path}' is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a casctl configuration is a few KiB of JSON. Is it the right file?`);
  }
  // The services section holds commands casctl runs, often as root (sudo, cron, CI). A file named
  // with --config or CASCTL_CONFIG gets the same rule as one found in the current directory: naming
  // a file vouches for what the admin once read in it, not for what another user may write into it
  // before casctl runs it. So the fix offered is the file's permissions, never "name it explicitly".
  const distrust = untrusted(path, read.stats, 0o022);
  if (distrust !== null) throw new ConfigError(refusal(path, distrust, named));
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`The configuration file '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`The configuration file '${path}' must hold a JSON object.`);
  }
  const { store, readStore, services, timeZone, dovecot, lastLogons, ...rest } = parsed as Record<string, unknown>;
  const owners = Object.keys(rest).length === 0 ? new Map<string, DriverConfigSection<unknown>>() : await sectionOwners(rest, path);
  if (store !== undefined && typeof store !== 'string') {
    throw new ConfigError(`The configuration file '${path}': "store" must be a string (a store URL or path).`);
  }
  if (readStore !== undefined && (typeof readStore !== 'string' || readStore === '')) {
    throw new ConfigError(`The configuration file '${path}': "readStore" must be a store URL (a replica of "store").`);
  }
  if (readStore !== undefined && store === undefined) {
    throw new ConfigError(`The configuration file '${path}': "readStore" names a replica of "store", which is missing.`);
  }
  const zone = timeZone === undefined ? undefined : configTimeZone(timeZone, path);
  const file = { path, directory: dirname(path) };
  // A relative store path in a config file means relative to that file, not to wherever casctl runs.
  return {
    path,
    ...(store === undefined ? {} : { store: await relativeTo(file.directory, store) }),
    ...(readStore === undefined ? {} : { readStore: await relativeTo(file.directory, readStore) }),
    ...(services === undefined ? {} : { services }),
    ...(zone === undefined ? {} : { timeZone: zone }),
    dovecot: dovecot === undefined ? NO_DOVECOT_SETTINGS : parseDovecotSection(dovecot, path),
    ...(lastLogons === undefined ? {} : { lastLogons: await lastLogonsSection(lastLogons, file.directory, path) }),
    sections: Object.fromEntries(Object.entries(rest).map(([name, value]) => [name, owners.get(name)?.parse(value, file)])),
  };
}

/**
 * A place looked at by default holds no file for this user: none there, or a directory on the way
 * this user may not enter (`sudo -u nobody` keeps HOME=/root; what is in /root/.config is root's,
 * not theirs). A file that is there but unreadable is an error: the admin wrote it to be used.
 */
function absent(path: string, error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return true;
  if (code !== 'EACCES') return false;
  try {
    statSync(path);
    return false;
  } catch {
    return true;
  }
}

async function lastLogonsSection(value: unknown, directory: string, path: string): Promise<LastLogonsSettings> {
  const where = `The configuration file '${path}': "lastLogons"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where} must be an object: {"url": "sqlite:/var/lib/casctl/last-logons.db", "retentionDays": 365}.`);
  const { url, retentionDays, ...extra } = value as Record<string, unknown>;
  const unknown = Object.keys(extra);
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}; known: "url", "retentionDays".`);
  if (url !== undefined && (typeof url !== 'string' || url === '')) throw new ConfigError(`${where}: "url" must be a database URL or path (where Dovecot records logins).`);
  if (retentionDays !== undefined && retentionDays !== null && !(typeof retentionDays === 'number' && Number.isInteger(retentionDays) && retentionDays > 0)) {
    throw new ConfigError(`${where}: "retentionDays" must be a whole number of days above 0, or null to keep logins until pruned by hand.`);
  }
  return {
    ...(url === undefined ? {} : { url: await relativeTo(directory, url) }),
    ...(retentionDays === undefined ? {} : { retentionDays }),
  };
}

function configTimeZone(value: unknown, path: string): TimeZone {
  const zone = typeof value === 'string' ? parseTimeZone(value) : null;
  if (zone === null) {
    throw new ConfigError(
      `The configuration file '${path}': "timeZone" must be "UTC", "local" (the machine's zone; TZ is respected) or an IANA zone name such as "Europe/Berlin", not ${JSON.stringify(value)}.`,
    );
  }
  return zone;
}

/** Every key besides "store", "readStore", "services", "timeZone", "dovecot" and "lastLogons" must name a store driver's section; the driver validates it. */
async function sectionOwners(rest: Record<string, unknown>, path: string): Promise<Map<string, DriverConfigSection<unknown>>> {
  const owners = new Map((await allDrivers()).flatMap((d) => (d.configSection === undefined ? [] : [[d.configSection.name, d.configSection] as const])));
  const extra = Object.keys(rest).filter((key) => !owners.has(key));
  if (extra.length > 0) {
    const known = ['store', 'readStore', 'services', 'timeZone', 'dovecot', 'lastLogons', ...owners.keys()].map((k) => `"${k}"`).join(', ');
    throw new ConfigError(`The configuration file '${path}': unknown key${extra.length === 1 ? '' : 's'} ${extra.map((k) => `"${k}"`).join(', ')}; known: ${known}.`);
  }
  return owners;
}

/** Why a file is not trusted, and the commands that would fix it. */
interface Distrust {
  reason: string;
  fix: string;
}

/**
 * Trusted: owned by the invoking user or root, and none of `writeBits` set (the mode bits that would
 * let someone else write it: 0o022, or 0o002 where the group is meant to write).
 */
function untrusted(path: string, stats: Stats, writeBits: number): Distrust | null {
  // Windows has no POSIX owners or modes to go by.
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const reasons: string[] = [];
  const fixes: string[] = [];
  if (stats.uid !== uid && stats.uid !== 0) {
    reasons.push(`it belongs to uid ${stats.uid}, not to you (uid ${uid}) or root`);
    fixes.push(`chown ${uid} '${path}'`);
  }
  const bits = stats.mode & writeBits;
  if (bits !== 0) {
    reasons.push(`it is ${(bits & 0o002) !== 0 ? 'world' : 'group'}-writable`);
    fixes.push(`chmod ${writeBits === 0o002 ? 'o' : 'go'}-w '${path}'`);
  }
  return reasons.length === 0 ? null : { reason: reasons.join(' and '), fix: fixes.join(' && ') };
}

function refusal(path: string, distrust: Distrust, named: boolean): string {
  const found = named ? 'named by --config or CASCTL_CONFIG' : 'found by default';
  const instead = named ? '' : ', or name a configuration file of your own with --config or CASCTL_CONFIG';
  return `Refusing the configuration file '${path}' (${found}): ${distrust.reason}. casctl runs the commands its "services" section holds, so it reads only a file no other user can write. If you trust it, fix that with: ${distrust.fix}${instead}.`;
}

/** A URL no driver serves is kept as written: opening it says which stores there are. */
async function relativeTo(directory: string, store: string): Promise<string> {
  const driver = await findDriver(store);
  return driver === null ? store : driver.resolveUrl(store, directory);
}

/** Where a setting came from, for get-config: a flag, an environment variable, the config file, or casctl's default. */
export type Origin = { kind: 'flag'; flag: string } | { kind: 'environment'; variable: string } | { kind: 'file'; path: string } | { kind: 'default' };

export interface Chosen<T> {
  value: T;
  origin: Origin;
}

/** --store, else CASCTL_STORE, else the config file, else ./casctl.db (not checked here: see storeUrl). */
export function chooseStore(storeOption: string | undefined, config: CasctlConfig, env: NodeJS.ProcessEnv): Chosen<string> {
  if (storeOption !== undefined && storeOption !== '') return { value: storeOption, origin: { kind: 'flag', flag: '--store' } };
  if (env.CASCTL_STORE !== undefined && env.CASCTL_STORE !== '') return { value: env.CASCTL_STORE, origin: { kind: 'environment', variable: 'CASCTL_STORE' } };
  if (config.store !== undefined && config.path !== null) return { value: config.store, origin: { kind: 'file', path: config.path } };
  return { value: config.defaultStore, origin: { kind: 'default' } };
}

/** The store chooseStore names; ./casctl.db only when it is trusted. */
export function storeUrl(storeOption: string | undefined, config: CasctlConfig, env: NodeJS.ProcessEnv): string {
  const chosen = chooseStore(storeOption, config, env);
  if (chosen.origin.kind === 'default') checkDefaultStore(chosen.value);
  return chosen.value;
}

/**
 * CASCTL_READ_STORE, else the config file's "readStore" while the store is the config file's
 * (a --store or CASCTL_STORE of another store must not be read through the config's replica).
 */
export function chooseReadStore(storeOption: string | undefined, config: CasctlConfig, env: NodeJS.ProcessEnv): Chosen<string> | undefined {
  const fromEnv = env.CASCTL_READ_STORE;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, origin: { kind: 'environment', variable: 'CASCTL_READ_STORE' } };
  const { readStore, path } = config;
  if (readStore === undefined || path === null || chooseStore(storeOption, config, env).value !== config.store) return undefined;
  return { value: readStore, origin: { kind: 'file', path } };
}

export function readStoreUrl(storeOption: string | undefined, config: CasctlConfig, env: NodeJS.ProcessEnv): string | undefined {
  return chooseReadStore(storeOption, config, env)?.value;
}

/**
 * ./casctl.db is used without being named, so it gets the config file's rule with one difference:
 * group write is fine, as casctl creates stores 0660 for Dovecot's group to read and the admin
 * group to write. A store another user owns or anyone may write could have been planted, in a
 * shared or world-writable directory, to be the directory casctl enforces. A store named with
 * --store, CASCTL_STORE or the config file is the admin's choice and is not checked. (The check
 * and SQLite's open are two steps; a directory an attacker can write is one to keep stores out of.)
 */
function checkDefaultStore(path: string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return; // absent (init creates it) or unreadable: opening the store says which
  }
  const distrust = untrusted(path, stats, 0o002);
  if (distrust === null) return;
  throw new ConfigError(
    `Refusing the default store '${path}' (./casctl.db, as no store is named): ${distrust.reason}. ` +
      `If you trust it, fix that with: ${distrust.fix}, or name it explicitly with --store or CASCTL_STORE.`,
  );
}
