import type { CasSettingName } from '../core/protocols.js';

/**
 * set-casmailbox's option for a CAS setting: its Exchange name in kebab case (`-<Protocol>Enabled` is
 * normalised to it, cli/normalise-argv.ts), so a new protocol brings its option with it.
 */
export function settingOption(property: CasSettingName): string {
  return property.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase();
}

/** Where commander puts a setting option's value: the option name in camel case, the property uncapitalised. */
export type SettingOptionKey = Uncapitalize<CasSettingName>;

export function settingOptionKey(property: CasSettingName): SettingOptionKey {
  return `${property.charAt(0).toLowerCase()}${property.slice(1)}` as SettingOptionKey;
}

/** The value each CAS setting's option was given, as commander parsed it. */
export type SettingOptionValues = { [K in SettingOptionKey]?: string };
