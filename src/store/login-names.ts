/**
 * The names a mailbox may log in to Dovecot as (its primary address first, then its other
 * addresses and its UPN), lower-cased as Dovecot's auth_username_format lower-cases a login, and
 * each once. Dovecot caches a login under the name it was given, so a refresh flushes them all.
 */
export function loginNames(primary: string, upn: string | null, addresses: readonly string[]): string[] {
  const names = new Set<string>([primary.toLowerCase()]);
  for (const address of addresses) if (address !== '') names.add(address.toLowerCase());
  if (upn !== null && upn !== '') names.add(upn.toLowerCase());
  return [...names];
}
