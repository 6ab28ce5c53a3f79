import { displayValue, type OutputValue } from './values.js';

/** A setting's change in words, as the plan and the history show it: `PopEnabled True → False`. */
export function settingChangeText(change: { Property?: OutputValue; Before?: OutputValue; After?: OutputValue }): string {
  return `${displayValue(change.Property ?? null)} ${displayValue(change.Before ?? null)} → ${displayValue(change.After ?? null)}`;
}
