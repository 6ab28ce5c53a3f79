import { ConfigError } from '../core/errors.js';

/**
 * A driver's configuration section as an object of known keys, or the ConfigError that says
 * what is wrong (`where` names the file and the section); never echoes a value, which may be a secret.
 */
export function sectionObject(value: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where} must be an object.`);
  const section = value as Record<string, unknown>;
  const unknown = Object.keys(section).filter((key) => !keys.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(`${where}: unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${keys.map((k) => `"${k}"`).join(', ')}.`);
  }
  return section;
}
