import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { parseLdapSection, type LdapConfigSection } from '../store/ldap/settings.js';
import { sqlitePath } from '../store/open-store.js';

/** The casctl configuration file (JSON). */
export interface CasctlConfig {
  /** Where it was read from, or null when no file was found. */
  path: string | null;
  store?: string;
  /** The `services` section, validated by src/services/service-config.ts when a command needs it. */
  services?: unknown;
  /** The `ldap` section: how to bind to an LDAP store (src/store/ldap/settings.ts). Never printed: it may hold the password. */
  ldap?: LdapConfigSection;
}

export interface ConfigSources {
  configOption: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const SYSTEM_CONFIG = '/etc/casctl/config.json';

/** --config, else CASCTL_CONFIG, else ./casctl.config.json, else /etc/casctl/config.json; none is fine. */
export function loadConfig(sources: ConfigSources): CasctlConfig {
  const named = sources.configOption ?? sources.env.CASCTL_CONFIG;
  if (named !== undefined && named !== '') return readConfig(resolve(sources.cwd, named), true);
  for (const candidate of [resolve(sources.cwd, 'casctl.config.json'), SYSTEM_CONFIG]) {
    const config = readConfig(candidate, false);
    if (config.path !== null) return config;
  }
  return { path: null };
}

function readConfig(path: string, required: boolean): CasctlConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return { path: null };
    throw new ConfigError(`Cannot read the configuration file '${path}': ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`The configuration file '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`The configuration file '${path}' must hold a JSON object.`);
  }
  const { store, services, ldap, ...unknown } = parsed as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) {
    throw new ConfigError(`The configuration file '${path}': unknown key${extra.length === 1 ? '' : 's'} ${extra.map((k) => `"${k}"`).join(', ')}; known: "store", "services", "ldap".`);
  }
  if (store !== undefined && typeof store !== 'string') {
    throw new ConfigError(`The configuration file '${path}': "store" must be a string (a store URL or path).`);
  }
  // A relative store path in a config file means relative to that file, not to wherever casctl runs.
  return {
    path,
    ...(store === undefined ? {} : { store: relativeTo(dirname(path), store) }),
    ...(services === undefined ? {} : { services }),
    ...(ldap === undefined ? {} : { ldap: parseLdapSection(ldap, path, dirname(path)) }),
  };
}

function relativeTo(directory: string, store: string): string {
  const path = sqlitePath(store, directory);
  return path === null ? store : `sqlite:${path}`;
}

/** --store, else CASCTL_STORE, else the config file, else ./casctl.db. */
export function storeUrl(storeOption: string | undefined, config: CasctlConfig, env: NodeJS.ProcessEnv): string {
  if (storeOption !== undefined && storeOption !== '') return storeOption;
  if (env.CASCTL_STORE !== undefined && env.CASCTL_STORE !== '') return env.CASCTL_STORE;
  return config.store ?? 'casctl.db';
}
