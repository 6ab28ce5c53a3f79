/**
 * A template tag for shell code, taken raw (backslashes as written): `$\{` in it is the shell's
 * `${`, which a template literal would read as its own interpolation; `${value}` interpolates.
 */
export function shellCode(strings: TemplateStringsArray, ...values: readonly string[]): string {
  return String.raw({ raw: strings.raw.map((part) => part.replaceAll('$\\{', '${')) }, ...values);
}

/** A bash or zsh word that is exactly `text`, whatever it holds. */
export function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
