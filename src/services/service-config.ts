import { ConfigError } from '../core/errors.js';
import type { IpNetwork } from '../core/ip-networks.js';
import { SERVICES, type Service } from './services.js';

/** The commands behind one service, as argv arrays (run without a shell). */
export interface ServiceCommands {
  restart: string[];
  status: string[];
  /** Flushes cached logins; a `{users}` argument becomes login names, or is dropped to flush all. */
  flush: string[] | null;
  /** Ends every open session of one mailbox, whatever its protocol; `{user}` is its address. */
  kick: string[] | null;
  /** Lists every open session, one per line (`doveadm -f tab who -1`): how one protocol's sessions are found. */
  who: string[] | null;
  /** Ends the processes of sessions found with `who`; `{pids}` becomes their process ids. */
  kill: string[] | null;
}

/** One mail server: the commands that reach its Dovecot. */
export interface MailServer {
  /** Its name in "services"."servers" (`mx1`); null for the one server of the single-server form. */
  name: string | null;
  /** By service Name (MSExchangePOP3, ...); only the configured services: see byConfiguration. */
  commands: ReadonlyMap<string, ServiceCommands>;
  /** How to run `dovecot --version` where Dovecot runs, to tell which configuration syntax it reads; null: unknown. */
  version: string[] | null;
  /** The preset's doveadm argv (its prefix, and `-c` with the configuration): what reads Dovecot's mailboxes. Null without a preset. */
  doveadm: string[] | null;
  /**
   * The store URL of the replica this server's Dovecot reads (its local LDAP consumer): a refresh
   * waits until it has every change before flushing this server's caches. Null: Dovecot reads the store itself.
   */
  replica: string | null;
}

export interface ServiceSetup {
  timeoutMs: number;
  /** Every mail server, in the configuration's order: restarts and refreshes reach each. */
  servers: readonly MailServer[];
  /** How long a refresh waits for a server's replica to catch up before it gives up on that server. */
  replicaWaitMs: number;
  /** The configuration file, named when a service is not configured. */
  configPath: string | null;
  /** Where the webmail logs in from (the configuration's dovecot.webmailNetworks): how OWA's IMAP sessions are told from IMAP4's. */
  webmailNetworks: readonly IpNetwork[];
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_REPLICA_WAIT_SECONDS = 30;
const PRESETS = ['dovecot', 'systemd'] as const;
const COMMAND_KEYS = ['restart', 'status', 'flush', 'kick', 'who', 'kill'] as const;
/** What one server's commands are made of: at the top of the section, or in each entry of "servers". */
const SERVER_KEYS = ['config', 'unit', 'doveadm', 'commands'] as const;
const SECTION_KEYS = ['preset', ...SERVER_KEYS, 'timeoutSeconds', 'servers', 'replicaWaitSeconds'] as const;
const SERVER_ENTRY_KEYS = ['name', ...SERVER_KEYS, 'replica'] as const;
type Preset = (typeof PRESETS)[number];

/**
 * The argv prefix that runs another program where doveadm runs: `["docker", "exec", "mail", "doveadm"]`
 * runs `kill` as `["docker", "exec", "mail", "kill"]`, found on that PATH (`/usr/bin/doveadm` does
 * not say where `dovecot` is). Null when the last word is not doveadm (a wrapper script): then
 * casctl cannot tell how to reach that machine.
 */
function beside(doveadm: readonly string[], program: string): string[] | null {
  const last = doveadm[doveadm.length - 1] ?? '';
  if (!/(^|\/)doveadm$/.test(last)) return null;
  return [...doveadm.slice(0, -1), program];
}

function presetCommands(preset: Preset, section: Record<string, unknown>, where: string): { commands: ServiceCommands; version: string[] | null; doveadm: string[] } {
  const config = optionalString(section, 'config', where);
  const prefix = section.doveadm === undefined ? ['doveadm'] : argv(section.doveadm, `${where}."doveadm"`);
  // One Dovecot serves IMAP4 and POP3: every Exchange service maps onto the same daemon.
  const doveadm = [...prefix, ...(config === undefined ? [] : ['-c', config])];
  const kill = beside(prefix, 'kill');
  const dovecot = beside(prefix, 'dovecot');
  const common = {
    // `--`: a name is never read as an option, however the directory spells it.
    flush: [...doveadm, 'auth', 'cache', 'flush', '--', '{users}'],
    // A wrapper that is not doveadm itself: sessions end per mailbox (every protocol), as kick does.
    kick: kill === null ? [...doveadm, 'kick', '--', '{user}'] : null,
    who: kill === null ? null : [...doveadm, '-f', 'tab', 'who', '-1'],
    kill: kill === null ? null : [...kill, '-TERM', '{pids}'],
  };
  const version = dovecot === null ? null : [...dovecot, '--version'];
  if (preset === 'dovecot') {
    return { commands: { restart: [...doveadm, 'reload'], status: [...doveadm, 'service', 'status'], ...common }, version, doveadm };
  }
  const unit = optionalString(section, 'unit', where) ?? 'dovecot';
  return { commands: { restart: ['systemctl', 'restart', unit], status: ['systemctl', 'is-active', '--quiet', unit], ...common }, version, doveadm };
}

function optionalString(section: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = section[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${where}: "${key}" must be a non-empty string.`);
  return value;
}

function argv(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a): a is string => typeof a === 'string') || value[0] === '') {
    throw new ConfigError(`${where} must be a non-empty array of strings (the program and its arguments; no shell is used), not ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Reads and validates the `services` section of the configuration file:
 *   {"preset": "dovecot", "config": "/etc/dovecot/dovecot.conf"}       doveadm reload / service status / auth cache flush / who
 *   {"preset": "dovecot", "doveadm": ["docker", "exec", "mail", "doveadm"]}   doveadm wherever Dovecot runs
 *   {"preset": "systemd", "unit": "dovecot"}                           systemctl restart / is-active, doveadm for the rest
 *   {"commands": {"MSExchangeIMAP4": {"restart": [...], "status": [...]}}}   per service, overriding a preset
 *   {"preset": "dovecot", "servers": [{"name": "mx1", "doveadm": ["ssh", "mx1", "doveadm"], "replica": "ldap://mx1/dc=..."}, ...]}
 *       several mail servers: each entry takes config, unit, doveadm and commands as the single form does
 */
export function readServiceSetup(raw: unknown, configPath: string | null, webmailNetworks: readonly IpNetwork[] = []): ServiceSetup {
  const where = `The configuration file '${configPath ?? '(none)'}': "services"`;
  if (raw === undefined) {
    throw new ConfigError(
      `No protocol services are configured. Add "services" to the configuration file (casctl get-config shows where casctl looks for it), e.g. {"services": {"preset": "dovecot", "config": "/etc/dovecot/dovecot.conf"}}.`,
    );
  }
  const section = objectAt(raw, where, SECTION_KEYS);
  const preset = section.preset;
  if (preset !== undefined && !PRESETS.includes(preset as Preset)) {
    throw new ConfigError(`${where}: "preset" must be one of ${PRESETS.map((p) => `"${p}"`).join(', ')}, not ${JSON.stringify(preset)}.`);
  }
  const timeout = section.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw new ConfigError(`${where}: "timeoutSeconds" must be a positive number.`);
  const wait = section.replicaWaitSeconds ?? DEFAULT_REPLICA_WAIT_SECONDS;
  if (typeof wait !== 'number' || !(wait > 0)) throw new ConfigError(`${where}: "replicaWaitSeconds" must be a positive number.`);
  const chosen = preset as Preset | undefined;
  const servers = section.servers === undefined ? [readServer(section, chosen, where, null, null)] : readServers(section, chosen, where);
  return { timeoutMs: timeout * 1000, servers, replicaWaitMs: wait * 1000, configPath, webmailNetworks };
}

function objectAt(raw: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where} must be an object.`);
  const section = raw as Record<string, unknown>;
  const unknown = Object.keys(section).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key "${unknown[0]}"; known: ${keys.join(', ')}.`);
  return section;
}

/** Server names: a word, as messages show it and as the store's refresh marks hold it (`MSExchangeIMAP4@mx1`). */
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function readServers(section: Record<string, unknown>, preset: Preset | undefined, where: string): MailServer[] {
  const list = section.servers;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError(`${where}: "servers" must be a non-empty array of mail servers ({"name": ..., "doveadm": [...]}).`);
  const shared = SERVER_KEYS.filter((k) => section[k] !== undefined);
  if (shared.length > 0) {
    throw new ConfigError(`${where}: "${shared[0]}" goes into each entry of "servers" (each mail server has its own commands), not beside it.`);
  }
  const names = new Set<string>();
  return list.map((entry, index) => {
    const at = `${where}.servers[${index}]`;
    const server = objectAt(entry, at, SERVER_ENTRY_KEYS);
    const name = server.name;
    if (typeof name !== 'string' || !SERVER_NAME.test(name)) {
      throw new ConfigError(`${at}: "name" must be a short name of letters, digits, '.', '_' or '-' (the host's, e.g. "mx1").`);
    }
    if (names.has(name.toLowerCase())) throw new ConfigError(`${at}: the name "${name}" is taken by another server.`);
    names.add(name.toLowerCase());
    return readServer(server, preset, at, name, optionalString(server, 'replica', at) ?? null);
  });
}

/** One server's commands: the preset's (on its doveadm, config or unit), overridden per service by "commands". */
function readServer(section: Record<string, unknown>, preset: Preset | undefined, where: string, name: string | null, replica: string | null): MailServer {
  if (preset === undefined && section.doveadm !== undefined) {
    throw new ConfigError(`${where}: "doveadm" belongs to a preset ("dovecot" or "systemd"); without one, give each command under "commands".`);
  }
  const overrides = section.commands ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new ConfigError(`${where}: "commands" must be an object keyed by service name.`);
  for (const name of Object.keys(overrides)) {
    if (!SERVICES.some((s) => s.Name === name)) {
      throw new ConfigError(`${where}.commands: unknown service "${name}"; services: ${SERVICES.map((s) => s.Name).join(', ')}.`);
    }
  }

  const base = preset === undefined ? undefined : presetCommands(preset, section, where);
  const commands = new Map<string, ServiceCommands>();
  for (const service of SERVICES) {
    const override = (overrides as Record<string, unknown>)[service.Name];
    // Without a preset, a service left out of "commands" is not configured: a configuration written
    // before casctl knew a protocol keeps working for the services it names.
    if (base === undefined && override === undefined) continue;
    const own: Partial<Record<(typeof COMMAND_KEYS)[number], string[]>> = {};
    if (override !== undefined) {
      if (typeof override !== 'object' || override === null || Array.isArray(override)) throw new ConfigError(`${where}.commands.${service.Name} must be an object.`);
      for (const [key, value] of Object.entries(override)) {
        if (!COMMAND_KEYS.includes(key as (typeof COMMAND_KEYS)[number])) {
          throw new ConfigError(`${where}.commands.${service.Name}: unknown command "${key}"; known: ${COMMAND_KEYS.join(', ')}.`);
        }
        own[key as (typeof COMMAND_KEYS)[number]] = argv(value, `${where}.commands.${service.Name}.${key}`);
      }
    }
    const restart = own.restart ?? base?.commands.restart;
    const status = own.status ?? base?.commands.status;
    if (restart === undefined || status === undefined) {
      throw new ConfigError(`${where}: ${service.Name} has no ${restart === undefined ? 'restart' : 'status'} command; set "preset" or give it under "commands".`);
    }
    // An own kick replaces the preset's way of ending sessions; own who and kill replace kick.
    const ownKick = own.kick !== undefined;
    const ownWhoKill = own.who !== undefined || own.kill !== undefined;
    const who = ownKick && !ownWhoKill ? null : (own.who ?? base?.commands.who ?? null);
    const kill = ownKick && !ownWhoKill ? null : (own.kill ?? base?.commands.kill ?? null);
    if ((who === null) !== (kill === null)) {
      throw new ConfigError(`${where}.commands.${service.Name}: "who" and "kill" go together (sessions are found with one and ended with the other).`);
    }
    if (kill !== null && !kill.includes('{pids}')) throw new ConfigError(`${where}.commands.${service.Name}.kill must have a "{pids}" argument.`);
    const kick = ownWhoKill ? null : (own.kick ?? base?.commands.kick ?? null);
    commands.set(service.Name, { restart, status, flush: own.flush ?? base?.commands.flush ?? null, kick, who, kill });
  }
  if (commands.size === 0) throw new ConfigError(`${where}: no service is configured; set "preset" or give a service's commands under "commands".`);
  return { name, commands, version: base?.version ?? null, doveadm: base?.doveadm ?? null, replica };
}

/** A service with the commands casctl runs for it. */
export interface ConfiguredService {
  service: Service;
  commands: ServiceCommands;
}

/** A service the setup leaves out (no preset, nothing under "commands"), and how to configure it. */
export interface UnconfiguredService {
  service: Service;
  how: string;
}

export interface ServicesByConfiguration {
  configured: ConfiguredService[];
  unconfigured: UnconfiguredService[];
}

/** The services a server has commands for, and those it leaves out. */
export function byConfiguration(setup: ServiceSetup, server: MailServer, services: readonly Service[]): ServicesByConfiguration {
  const configured: ConfiguredService[] = [];
  const unconfigured: UnconfiguredService[] = [];
  for (const service of services) {
    const commands = server.commands.get(service.Name);
    if (commands === undefined) unconfigured.push({ service, how: howToConfigure(setup, service, server) });
    else configured.push({ service, commands });
  }
  return { configured, unconfigured };
}

/** How to configure a service the setup leaves out: the configuration key to add. */
export function howToConfigure(setup: ServiceSetup, service: Service, server: MailServer | null = null): string {
  const file = `the configuration file '${setup.configPath ?? '(none)'}'`;
  if (server === null || server.name === null) return `add "services"."commands"."${service.Name}" with "restart" and "status" to ${file}, or set "services"."preset"`;
  return `add "commands"."${service.Name}" with "restart" and "status" to the "services"."servers" entry "${server.name}" of ${file}, or set "services"."preset"`;
}
