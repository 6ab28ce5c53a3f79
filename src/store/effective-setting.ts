import { resolve } from 'node:path';
import { readPasswordFile } from './password-file.js';
import type { Environment } from './store-driver.js';

/** A setting's value as get-config shows it: never a password (see passwordSetting). */
export type SettingValue = string | number | boolean | null | readonly string[];

/** Where a driver's setting came from: the file is the configuration file the section is in. */
export type SettingOrigin = { kind: 'environment'; variable: string } | { kind: 'file' } | { kind: 'default' };

export interface EffectiveSetting {
  /** Its key in the driver's section: `bindDn`, `password`. */
  key: string;
  value: SettingValue;
  origin: SettingOrigin;
}

/** A variable that is set and not empty: an empty one counts as unset, as the shells' `VAR=` clears it. */
export function variable(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Where a store's password comes from, the first one set: casctl reads it from there, and
 * get-config says where without reading it. No source holds the password itself.
 */
export type PasswordSource =
  | { kind: 'variable'; variable: string }
  | { kind: 'variable-file'; variable: string; path: string }
  | { kind: 'section' }
  | { kind: 'section-file'; path: string };

/** `CASCTL_<X>_PASSWORD`, else the file `CASCTL_<X>_PASSWORD_FILE` names (relative to cwd), else the section's (`password` where allowed, else `passwordFile`). */
export function passwordSource(
  env: Environment,
  cwd: string,
  variables: { password: string; file: string },
  section: { password?: string; passwordFile?: string } | undefined,
): PasswordSource | null {
  if (variable(env, variables.password) !== undefined) return { kind: 'variable', variable: variables.password };
  const file = variable(env, variables.file);
  if (file !== undefined) return { kind: 'variable-file', variable: variables.file, path: resolve(cwd, file) };
  if (section?.password !== undefined) return { kind: 'section' };
  if (section?.passwordFile !== undefined) return { kind: 'section-file', path: section.passwordFile };
  return null;
}

/** The password the source names; errors name the file and where it was named, never the content. */
export function readPassword(source: PasswordSource, env: Environment, section: { name: string; password?: string }, store: string): string {
  switch (source.kind) {
    case 'variable':
      return env[source.variable] as string;
    case 'variable-file':
      return readPasswordFile(source.path, source.variable, store);
    case 'section':
      return section.password as string;
    case 'section-file':
      return readPasswordFile(source.path, `the configuration's "${section.name}.passwordFile"`, store);
  }
}

/** How get-config shows a password: that it is set, and where (a file is named, never read). */
export function passwordSetting(source: PasswordSource | null): EffectiveSetting {
  if (source === null) return { key: 'password', value: null, origin: { kind: 'default' } };
  switch (source.kind) {
    case 'variable':
      return { key: 'password', value: '(set, hidden)', origin: { kind: 'environment', variable: source.variable } };
    case 'variable-file':
      return { key: 'password', value: `(in ${source.path})`, origin: { kind: 'environment', variable: source.variable } };
    case 'section':
      return { key: 'password', value: '(set, hidden)', origin: { kind: 'file' } };
    case 'section-file':
      return { key: 'password', value: `(in ${source.path})`, origin: { kind: 'file' } };
  }
}

/** A section's own setting: from the file when the section has it, else the default. */
export function sectionSetting(key: string, value: SettingValue | undefined, fallback: SettingValue): EffectiveSetting {
  return value === undefined ? { key, value: fallback, origin: { kind: 'default' } } : { key, value, origin: { kind: 'file' } };
}

/** A mapping profile as shown: a built-in's name, or a generic one written in the file. */
export function profileSetting(profile: string | object | undefined): EffectiveSetting {
  return sectionSetting('profile', profile === undefined ? undefined : typeof profile === 'string' ? profile : '(a mapping in the file)', null);
}
