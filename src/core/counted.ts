/** A count with its noun in the right number: `1 rule`, `2 rules`, `1 identity that does not resolve`. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
