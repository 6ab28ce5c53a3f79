import { readFileSync } from 'node:fs';
import { StoreError } from '../core/errors.js';

/**
 * A store password kept in a file (CASCTL_LDAP_PASSWORD_FILE, CASCTL_SQL_PASSWORD_FILE, a
 * configuration section's passwordFile): its content without the final line break. Errors name
 * the file and where it was named, never its content.
 */
export function readPasswordFile(path: string, named: string, store: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new StoreError(`Cannot read the ${store} password file '${path}' (${named}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new StoreError(`The ${store} password file '${path}' (${named}) is empty.`);
  return password;
}
