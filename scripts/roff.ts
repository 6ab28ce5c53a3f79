/**
 * Text into roff (man(7)), so that what help says reaches the page as typed: a backslash
 * (North America\Finance) is not an escape, a dash is a hyphen-minus that pastes as one
 * (`\-`), quotes stay straight, and nothing at the start of a line reads as a request.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\(rs',
  '-': '\\-',
  "'": '\\(aq',
  '`': '\\(ga',
  '"': '\\(dq',
  '^': '\\(ha',
  '~': '\\(ti',
};

/** One line of running text, or a macro's argument (quotes are escaped, so it may be quoted). */
export function roffText(text: string): string {
  if (/[\n\r]/.test(text)) throw new Error(`roff text is one line: ${JSON.stringify(text)}`);
  let out = '';
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (ESCAPES[character] !== undefined) out += ESCAPES[character];
    else if (code < 0x20 || code === 0x7f) throw new Error(`a control character in roff text: ${JSON.stringify(text)}`);
    // The page stays ASCII: groff reads it without -k, every man(1) renders it alike.
    else if (code > 0x7e) out += `\\[u${code.toString(16).toUpperCase().padStart(4, '0')}]`;
    else out += character;
  }
  // A line starting with `.` (or `'`, escaped above) would be a request; `\&` is nothing printed.
  return out.startsWith('.') ? `\\&${out}` : out;
}

export const bold = (text: string): string => `\\fB${roffText(text)}\\fR`;
export const italic = (text: string): string => `\\fI${roffText(text)}\\fR`;

/** An option or argument term as help writes it (`-o, --output <format>`): the names bold, the value italic. */
export function term(text: string): string {
  const at = text.search(/ [<[]/);
  return at < 0 ? bold(text) : `${bold(text.slice(0, at))} ${italic(text.slice(at + 1))}`;
}

/** A macro call with one quoted argument: `.SH "EXIT STATUS"`. */
export const macro = (name: string, argument: string): string => `.${name} "${roffText(argument)}"`;
