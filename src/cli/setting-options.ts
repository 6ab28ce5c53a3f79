import { BOOLEAN_SPELLINGS, OFFERED_BOOLEANS, parseBoolean } from '../core/boolean.js';
import { UsageError } from '../core/errors.js';
import type { CasSettingName, SettingValue } from '../core/protocols.js';

/**
 * A word boundary of an Exchange property name: lower case or digit before upper case, or an
 * acronym's last capital before a capitalised word (`OWAEnabled` → `OWA` `Enabled`).
 */
const WORD_BOUNDARY = /(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/g;

/** A property name in kebab case, acronyms kept whole: `OWAEnabled` → `owa-enabled`. */
export function kebabCase(property: string): string {
  return property.replace(WORD_BOUNDARY, '-').toLowerCase();
}

/** Where commander stores `--<kebab>`: the kebab name in camel case (`owa-enabled` → `owaEnabled`). */
export function commanderKey(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * set-casmailbox's option for a CAS setting: its Exchange name in kebab case (`-<Protocol>Enabled` is
 * normalised to it, cli/normalise-argv.ts), so a new protocol brings its option with it.
 */
export function settingOption(property: CasSettingName): string {
  return kebabCase(property);
}

/** Where commander puts a setting option's value (`OWAEnabled` → `owaEnabled`). */
export function settingOptionKey(property: CasSettingName): string {
  return commanderKey(settingOption(property));
}

/** The text a CAS setting's option was given, as commander parsed it; undefined when not given. */
export function settingOptionText(options: object, property: CasSettingName): string | undefined {
  // Commander's keys are computed from the option names, so the typed options cannot list them.
  const value: unknown = (options as Readonly<Record<string, unknown>>)[settingOptionKey(property)];
  return typeof value === 'string' ? value : undefined;
}

/** How a nullable setting's option is told to follow the organisation default. */
const NULL = '$null';
export const NULL_SPELLINGS: readonly string[] = [NULL, 'null'];

/** What completion offers for a setting's option: the booleans, and `$null` where the setting may be $null. */
export function offeredSettingValues(nullable: boolean): readonly string[] {
  return nullable ? [...OFFERED_BOOLEANS, NULL] : OFFERED_BOOLEANS;
}

/**
 * A setting option's value; undefined when not given. A nullable setting also takes $null (or
 * null): follow the organisation default. Never the empty text: an unquoted $true reaches casctl as that too.
 */
export function settingValue(option: string, text: string | undefined, nullable: boolean): SettingValue | undefined {
  if (text === undefined) return undefined;
  const value = parseBoolean(text);
  if (value !== null) return value;
  if (nullable && NULL_SPELLINGS.includes(text.trim().toLowerCase())) return null;
  // `-PopEnabled $false -ImapEnabled $false` unquoted reaches us as `--pop-enabled --imap-enabled ...`.
  const shellAteIt = text === '' || text.startsWith('-');
  const hint = shellAteIt ? ` (a Unix shell expands an unquoted $false to nothing: write '$false' in quotes, or false)` : '';
  throw new UsageError(`--${option} takes ${BOOLEAN_SPELLINGS}${nullable ? ", or '$null' (follow the organisation default)" : ''}, not '${text}'${hint}.`);
}
