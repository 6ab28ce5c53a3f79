/**
 * Canonical names (`tailspintoys.com/North America/Finance`) and LDAP distinguished names
 * (`OU=Finance,OU=North America,DC=tailspintoys,DC=com`) of the same directory objects.
 */

/** RFC 4514 escaping of one attribute value. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

export interface CanonicalPath {
  domain: string;
  /** OU names from the top down. */
  units: string[];
}

/** Splits a canonical OU name; `\` is accepted as a separator, as admins type `North America\Finance`. */
export function splitCanonical(canonical: string): string[] {
  return canonical
    .split(/[\\/]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function parseCanonicalOu(canonical: string): CanonicalPath | null {
  const [domain, ...units] = splitCanonical(canonical);
  if (domain === undefined || !/^[^.\s]+(\.[^.\s]+)+$/.test(domain)) return null;
  return { domain: domain.toLowerCase(), units };
}

export function domainDn(domain: string): string {
  return domain
    .split('.')
    .map((label) => `DC=${escapeDnValue(label)}`)
    .join(',');
}

export function ouDn(path: CanonicalPath): string {
  const units = [...path.units].reverse().map((unit) => `OU=${escapeDnValue(unit)}`);
  return [...units, domainDn(path.domain)].join(',');
}

export function mailboxDn(name: string, ou: CanonicalPath): string {
  return `CN=${escapeDnValue(name)},${ouDn(ou)}`;
}

/** The NetBIOS-style domain of `TAILSPINTOYS\rzaher`: the first label of the DNS domain. */
export function netbiosDomain(domain: string): string {
  return (domain.split('.')[0] ?? domain).toUpperCase();
}
