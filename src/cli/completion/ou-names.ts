import type { OrganizationalUnit } from '../../store/directory-store.js';

// A name with a line break or another control character cannot be one line of the helper's output, nor typed.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * The names completion offers for the OUs: each Name, the path below the domain in Exchange's
 * form for a nested OU (`North America\Finance`: a Name alone may name several) and the
 * canonical name; each once, in the store's order.
 */
export function offeredOuNames(units: readonly OrganizationalUnit[]): string[] {
  const names = new Set<string>();
  for (const unit of units) {
    names.add(unit.Name);
    const path = unit.CanonicalName.slice(unit.CanonicalName.indexOf('/') + 1);
    if (path.includes('/')) names.add(path.replaceAll('/', '\\'));
    names.add(unit.CanonicalName);
  }
  return [...names].filter((name) => name !== '' && !CONTROL.test(name));
}
