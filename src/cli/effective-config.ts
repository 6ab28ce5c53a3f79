import { existsSync } from 'node:fs';
import { showCommand } from '../services/run-command.js';
import { readServiceSetup, type ServiceCommands } from '../services/service-config.js';
import { allDrivers, findDriver } from '../store/drivers.js';
import type { EffectiveSetting, SettingValue } from '../store/effective-setting.js';
import type { StoreDriver } from '../store/store-driver.js';
import { CONFIG_LOCATIONS } from './config-locations.js';
import { chooseReadStore, chooseStore, type CasctlConfig, type Origin } from './config.js';
import type { CommandContext } from './context.js';
import { DEFAULT_RETENTION_DAYS, lastLogonsTarget } from './last-logons.js';
import type { GlobalOptions } from './open.js';

/** One effective setting: its dotted name (`ldap.bindDn`), its value (never a password), where it came from. */
export interface ShownSetting {
  setting: string;
  value: SettingValue;
  origin: Origin;
}

/**
 * A place casctl looks for its configuration: `used` (the configuration), `not found`,
 * `shadowed` (a file is there, but one before it is used: files are never merged), `unset`
 * (--config or the variable is not given, or there is no HOME to find ~/.config in).
 */
export interface ConsideredFile {
  location: string;
  path: string | null;
  status: 'used' | 'not found' | 'shadowed' | 'unset';
}

export interface EffectiveConfig {
  settings: ShownSetting[];
  files: ConsideredFile[];
}

/** What get-config shows: every setting a command of this run would use, and the files looked at. */
export async function effectiveConfig(context: CommandContext, options: GlobalOptions, config: CasctlConfig): Promise<EffectiveConfig> {
  const file: Origin = config.path === null ? { kind: 'default' } : { kind: 'file', path: config.path };
  const fromFile = (setting: string, value: SettingValue | undefined, fallback: SettingValue): ShownSetting =>
    value === undefined ? { setting, value: fallback, origin: { kind: 'default' } } : { setting, value, origin: file };
  const flag = (setting: string, on: boolean | undefined, name: string): ShownSetting =>
    on === true ? { setting, value: true, origin: { kind: 'flag', flag: name } } : { setting, value: false, origin: { kind: 'default' } };

  const store = chooseStore(options.store, config, context.env);
  const readStore = chooseReadStore(options.store, config, context.env);
  const lastLogons = await lastLogonsTarget(context, options, config);
  const settings: ShownSetting[] = [
    { setting: 'store', value: withoutPassword(store.value), origin: store.origin },
    readStore === undefined ? { setting: 'readStore', value: null, origin: { kind: 'default' } } : { setting: 'readStore', value: withoutPassword(readStore.value), origin: readStore.origin },
    flag('readOnly', options.readOnly, '--read-only'),
    flag('verbose', options.verbose, '--verbose'),
    fromFile('timeZone', config.timeZone === undefined ? undefined : config.timeZone.kind === 'utc' ? 'UTC' : (config.timeZone.name ?? 'local'), 'UTC'),
    fromFile('dovecot.webmailNetworks', config.dovecot.webmailNetworks.length === 0 ? undefined : config.dovecot.webmailNetworks.map((n) => n.text), []),
    lastLogons === undefined ? { setting: 'lastLogons.url', value: null, origin: { kind: 'default' } } : { setting: 'lastLogons.url', value: withoutPassword(lastLogons.url), origin: lastLogons.origin },
    fromFile('lastLogons.retentionDays', config.lastLogons?.retentionDays, DEFAULT_RETENTION_DAYS),
    ...serviceSettings(config, file),
  ];
  for (const driver of await shownDrivers(config, [store.value, readStore?.value, lastLogons?.url])) {
    const section = driver.configSection;
    if (section === undefined) continue;
    const described = section.describe(config.sections[section.name], context.env, context.cwd);
    settings.push(...described.map((d) => ({ setting: `${section.name}.${d.key}`, value: d.value, origin: driverOrigin(d, file) })));
  }
  return { settings, files: consideredFiles(context, options, config) };
}

/** A URL as shown: without a password, should one have been written into it. */
export function withoutPassword(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.href;
}

function driverOrigin(setting: EffectiveSetting, file: Origin): Origin {
  return setting.origin.kind === 'file' ? file : setting.origin;
}

/** The drivers whose settings matter: those of the stores this run reaches, and those the file has a section for. */
async function shownDrivers(config: CasctlConfig, urls: readonly (string | undefined)[]): Promise<StoreDriver[]> {
  const reached = await Promise.all(urls.filter((u): u is string => u !== undefined).map((u) => findDriver(u)));
  const named = new Set(Object.keys(config.sections));
  return (await allDrivers()).filter((d) => reached.includes(d) || (d.configSection !== undefined && named.has(d.configSection.name)));
}

const COMMAND_KEYS = ['restart', 'status', 'flush', 'kick', 'who', 'kill'] as const satisfies readonly (keyof ServiceCommands)[];

/** The commands casctl runs for each service (each server's, with several), as the admin would type them. */
function serviceSettings(config: CasctlConfig, file: Origin): ShownSetting[] {
  if (config.services === undefined) return [{ setting: 'services', value: null, origin: { kind: 'default' } }];
  const setup = readServiceSetup(config.services, config.path, config.dovecot.webmailNetworks);
  const raw = config.services as Record<string, unknown>;
  const seconds = (key: string, ms: number): ShownSetting =>
    raw[key] === undefined ? { setting: `services.${key}`, value: ms / 1000, origin: { kind: 'default' } } : { setting: `services.${key}`, value: ms / 1000, origin: file };
  const settings = [seconds('timeoutSeconds', setup.timeoutMs)];
  if (raw.servers !== undefined) settings.push(seconds('replicaWaitSeconds', setup.replicaWaitMs));
  for (const server of setup.servers) {
    const prefix = server.name === null ? 'services' : `services.servers.${server.name}`;
    if (server.replica !== null) settings.push({ setting: `${prefix}.replica`, value: withoutPassword(server.replica), origin: file });
    for (const [name, commands] of server.commands) {
      for (const key of COMMAND_KEYS) {
        const argv = commands[key];
        if (argv !== null) settings.push({ setting: `${prefix}.${name}.${key}`, value: showCommand(argv), origin: file });
      }
    }
  }
  return settings;
}

/** Each place of CONFIG_LOCATIONS, and what was found there. */
function consideredFiles(context: CommandContext, options: GlobalOptions, config: CasctlConfig): ConsideredFile[] {
  let used = false;
  return CONFIG_LOCATIONS.map((location) => {
    const path = location.path({ configOption: options.config, env: context.env, cwd: context.cwd }) ?? null;
    if (path === null) return { location: location.name, path, status: 'unset' };
    if (!used && path === config.path) {
      used = true;
      return { location: location.name, path, status: 'used' };
    }
    return { location: location.name, path, status: existsSync(path) ? 'shadowed' : 'not found' };
  });
}
