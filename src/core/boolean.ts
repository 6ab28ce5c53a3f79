/** Booleans as admins type them, PowerShell's `$true`/`$false` included. */
const TRUE = new Set(['true', '$true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '$false', '0', 'no', 'n', 'off']);

/** Returns null when the text is not a boolean, so each caller can say where it was. */
export function parseBoolean(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  return null;
}

export const BOOLEAN_SPELLINGS = 'true/false, $true/$false, 1/0, yes/no';

/** The spellings completion offers: the plain and the PowerShell ones. */
export const OFFERED_BOOLEANS: readonly string[] = ['true', 'false', '$true', '$false'];
