/**
 * Stored and typed text is untrusted: a Name holding ESC [2J would clear the admin's screen, a
 * newline would draw a fake row. Human output shows such characters as C-style escapes instead:
 * `\t` `\n` `\r`, `\xHH` for the other C0 controls, DEL and the C1 controls, `\uHHHH` for the line
 * and paragraph separators and the bidirectional overrides and isolates (which reorder what a row
 * seems to say). Letters, marks, emoji and their joiners are left alone; so are backslashes, which
 * DOMAIN\user and OU paths are full of: `-o json` is the exact form.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return SHORT[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One value on one line: every control character, line breaks included, escaped. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}

/**
 * A whole message whose own line breaks are part of its layout (a list of candidates, a caret
 * under a filter): everything but `\n` is escaped. Values quoted in it should go through
 * printable() first, so that their line breaks cannot pass for the message's.
 */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
