/** OPATH's `*` becomes `%`; SQL's own wildcards and the escape character become literals (ESCAPE '\'). */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_*]/g, (char) => (char === '*' ? '%' : `\\${char}`));
}
