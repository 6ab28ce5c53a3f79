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

export interface ServiceSetup {
  timeoutMs: number;
  /** By service Name (MSExchangePOP3, ...); only the configured services: see byConfiguration. */
  commands: ReadonlyMap<string, ServiceCommands>;
  /** The configuration file, named when a service is not configured. */
  configPath: string | null;
  /** How to run `dovecot --version` where Dovecot runs, to tell which configuration syntax it reads; null: unknown. */
  version: string[] | null;
  /** Where the webmail logs in from (the configuration's dovecot.webmailNetworks): how OWA's IMAP sessions are told from IMAP4's. */
  webmailNetworks: readonly IpNetwork[];
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const PRESETS = ['dovecot', 'systemd'] as const;
const COMMAND_KEYS = ['restart', 'status', 'flush', 'kick', 'who', 'kill'] as const;
const SECTION_KEYS = ['preset', 'config', 'unit', 'doveadm', 'timeoutSeconds', 'commands'] as const;
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

function presetCommands(preset: Preset, section: Record<string, unknown>, where: string): { commands: ServiceCommands; version: string[] | null } {
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
    return { commands: { restart: [...doveadm, 'reload'], status: [...doveadm, 'service', 'status'], ...common }, version };
  }
  const unit = optionalString(section, 'unit', where) ?? 'dovecot';
  return { commands: { restart: ['systemctl', 'restart', unit], status: ['systemctl', 'is-active', '--quiet', unit], ...common }, version };
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
 */
export function readServiceSetup(raw: unknown, configPath: string | null, webmailNetworks: readonly IpNetwork[] = []): ServiceSetup {
  const where = `The configuration file '${configPath ?? '(none)'}': "services"`;
  if (raw === undefined) {
    throw new ConfigError(
      `No protocol services are configured. Add "services" to the configuration file (--config, CASCTL_CONFIG, ./casctl.config.json or /etc/casctl/config.json), e.g. {"services": {"preset": "dovecot", "config": "/etc/dovecot/dovecot.conf"}}.`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where} must be an object.`);
  const section = raw as Record<string, unknown>;
  const unknown = Object.keys(section).filter((k) => !(SECTION_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key "${unknown[0]}"; known: ${SECTION_KEYS.join(', ')}.`);
  const preset = section.preset;
  if (preset !== undefined && !PRESETS.includes(preset as Preset)) {
    throw new ConfigError(`${where}: "preset" must be one of ${PRESETS.map((p) => `"${p}"`).join(', ')}, not ${JSON.stringify(preset)}.`);
  }
  if (preset === undefined && section.doveadm !== undefined) {
    throw new ConfigError(`${where}: "doveadm" belongs to a preset ("dovecot" or "systemd"); without one, give each command under "commands".`);
  }
  const timeout = section.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw new ConfigError(`${where}: "timeoutSeconds" must be a positive number.`);
  const overrides = section.commands ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new ConfigError(`${where}: "commands" must be an object keyed by service name.`);
  for (const name of Object.keys(overrides)) {
    if (!SERVICES.some((s) => s.Name === name)) {
      throw new ConfigError(`${where}.commands: unknown service "${name}"; services: ${SERVICES.map((s) => s.Name).join(', ')}.`);
    }
  }

  const base = preset === undefined ? undefined : presetCommands(preset as Preset, section, where);
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
  return { timeoutMs: timeout * 1000, commands, configPath, version: base?.version ?? null, webmailNetworks };
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

/** The services the setup has commands for, and those it leaves out. */
export function byConfiguration(setup: ServiceSetup, services: readonly Service[]): ServicesByConfiguration {
  const configured: ConfiguredService[] = [];
  const unconfigured: UnconfiguredService[] = [];
  for (const service of services) {
    const commands = setup.commands.get(service.Name);
    if (commands === undefined) unconfigured.push({ service, how: howToConfigure(setup, service) });
    else configured.push({ service, commands });
  }
  return { configured, unconfigured };
}

/** How to configure a service the setup leaves out: the configuration key to add. */
export function howToConfigure(setup: ServiceSetup, service: Service): string {
  return `add "services"."commands"."${service.Name}" with "restart" and "status" to the configuration file '${setup.configPath ?? '(none)'}', or set "services"."preset"`;
}
