import { printable } from '../core/printable.js';

/** How much of a line from a file a policy names a message may show. */
export const SHOWN_CHARACTERS = 40;

/**
 * At most SHOWN_CHARACTERS characters of `text`, with "…" when cut, its control characters escaped
 * as all human output escapes them. A policy can name any file the admin allows, and casctl may run
 * as root: a message names the line well enough to find it, without printing a secret.
 */
export function shortText(text: string): string {
  const characters = Array.from(text);
  const shown = printable(characters.slice(0, SHOWN_CHARACTERS).join(''));
  return characters.length > SHOWN_CHARACTERS ? `${shown}…` : shown;
}
