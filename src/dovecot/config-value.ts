import { UsageError } from '../core/errors.js';

/**
 * Refuses a value that Dovecot's configuration would not read back as written: a line break or
 * other control character would start a new directive (a path with a newline injects settings),
 * `#` a comment, `"` and `\` a quoted string, `$` and `%` an expansion, `{` `}` a section, and
 * surrounding whitespace is trimmed away.
 */
export function configValue(what: string, value: string): string {
  return checkedValue(what, value, JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value));
}

/** configValue for a password: the message says what is wrong with it, never what it is. */
export function secretConfigValue(what: string, value: string): string {
  return checkedValue(what, value, null);
}

function checkedValue(what: string, value: string, shown: string | null): string {
  const bad = /[\p{Cc}\u2028\u2029"#$%\\{}]/u.exec(value);
  if (bad !== null || value.trim() !== value) {
    const why = bad === null ? 'begins or ends with whitespace' : `holds ${JSON.stringify(bad[0])}`;
    throw new UsageError(`${what}${shown === null ? '' : ` ${shown}`} ${why}, which Dovecot's configuration cannot hold as written; nothing was written.`);
  }
  return value;
}
