import { displayValue, type OutputValue } from './values.js';

/** A setting's value in words: True, False, or $null (a nullable setting that follows the organisation default). */
export function settingValueText(value: OutputValue | undefined): string {
  return value === null || value === undefined ? '$null' : displayValue(value);
}

/** A setting's change in words, as the plan and the history show it: `PopEnabled True → False`, `SmtpClientAuthenticationDisabled $null → True`. */
export function settingChangeText(change: { Property?: OutputValue; Before?: OutputValue; After?: OutputValue }): string {
  return `${displayValue(change.Property ?? null)} ${settingValueText(change.Before)} → ${settingValueText(change.After)}`;
}
