import { ConfigError } from '../core/errors.js';
import { SERVICES } from './services.js';

/** The commands behind one service, as argv arrays (run without a shell). */
export interface ServiceCommands {
  restart: string[];
  status: string[];
  /** Flushes cached logins; a `{users}` argument becomes the mailboxes' addresses, or is dropped to flush all. */
  flush: string[] | null;
  /** Ends one mailbox's open sessions; `{user}` is its address. */
  kick: string[] | null;
}

export interface ServiceSetup {
  timeoutMs: number;
  /** By service Name (MSExchangePOP3, ...). */
  commands: Map<string, ServiceCommands>;
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const PRESETS = ['dovecot', 'systemd'] as const;
const COMMAND_KEYS = ['restart', 'status', 'flush', 'kick'] as const;

function presetCommands(preset: (typeof PRESETS)[number], section: Record<string, unknown>, where: string): ServiceCommands {
  const config = optionalString(section, 'config', where);
  // One Dovecot serves IMAP4 and POP3: every Exchange service maps onto the same daemon.
  const doveadm = ['doveadm', ...(config === undefined ? [] : ['-c', config])];
  const flush = [...doveadm, 'auth', 'cache', 'flush', '{users}'];
  const kick = [...doveadm, 'kick', '{user}'];
  if (preset === 'dovecot') {
    return { restart: [...doveadm, 'reload'], status: [...doveadm, 'service', 'status'], flush, kick };
  }
  const unit = optionalString(section, 'unit', where) ?? 'dovecot';
  return { restart: ['systemctl', 'restart', unit], status: ['systemctl', 'is-active', '--quiet', unit], flush, kick };
}

function optionalString(section: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = section[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${where}: "${key}" must be a non-empty string.`);
  return value;
}

function argv(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((a): a is string => typeof a === 'string') || value[0] === '') {
    throw new ConfigError(`${where} must be a non-empty array of strings (the program and its arguments; no shell is used).`);
  }
  return value;
}

/**
 * Reads and validates the `services` section of the configuration file:
 *   {"preset": "dovecot", "config": "/etc/dovecot/dovecot.conf"}       doveadm reload / service status / auth cache flush / kick
 *   {"preset": "systemd", "unit": "dovecot"}                           systemctl restart / is-active, doveadm for flush and kick
 *   {"commands": {"MSExchangeIMAP4": {"restart": [...], "status": [...]}}}   per service, overriding a preset
 */
export function readServiceSetup(raw: unknown, configPath: string | null): ServiceSetup {
  const where = `The configuration file '${configPath ?? '(none)'}': "services"`;
  if (raw === undefined) {
    throw new ConfigError(
      `No protocol services are configured. Add "services" to the configuration file (--config, CASCTL_CONFIG, ./casctl.config.json or /etc/casctl/config.json), e.g. {"services": {"preset": "dovecot", "config": "/etc/dovecot/dovecot.conf"}}.`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where} must be an object.`);
  const section = raw as Record<string, unknown>;
  const unknown = Object.keys(section).filter((k) => !['preset', 'config', 'unit', 'timeoutSeconds', 'commands'].includes(k));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key "${unknown[0]}"; known: preset, config, unit, timeoutSeconds, commands.`);
  const preset = section.preset;
  if (preset !== undefined && !PRESETS.includes(preset as (typeof PRESETS)[number])) {
    throw new ConfigError(`${where}: "preset" must be one of ${PRESETS.map((p) => `"${p}"`).join(', ')}, not ${JSON.stringify(preset)}.`);
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

  const commands = new Map<string, ServiceCommands>();
  for (const service of SERVICES) {
    const base = preset === undefined ? undefined : presetCommands(preset as (typeof PRESETS)[number], section, where);
    const override = (overrides as Record<string, unknown>)[service.Name];
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
    const restart = own.restart ?? base?.restart;
    const status = own.status ?? base?.status;
    if (restart === undefined || status === undefined) {
      throw new ConfigError(`${where}: ${service.Name} has no ${restart === undefined ? 'restart' : 'status'} command; set "preset" or give it under "commands".`);
    }
    commands.set(service.Name, { restart, status, flush: own.flush ?? base?.flush ?? null, kick: own.kick ?? base?.kick ?? null });
  }
  return { timeoutMs: timeout * 1000, commands };
}
