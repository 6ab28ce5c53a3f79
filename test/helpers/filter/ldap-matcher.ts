import { fold } from '../../../src/core/mailbox.js';
import { PROPERTIES } from '../../../src/core/properties.js';
import { isCasSetting } from '../../../src/core/protocols.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from '../../../src/store/ldap/cas-attributes.js';
import { propertyAttribute } from '../../../src/store/ldap/property-attributes.js';
import type { StoredMailbox } from './directory.js';

/**
 * A tiny model of an LDAP server's filter evaluation, written independently of filter-to-ldap.ts: it
 * parses the RFC 4515 string (so malformed output or a broken escape fails the test) and
 * matches it against an entry's attributes. Case-insensitive by fold(), ordering by code point.
 */
export type Entry = Map<string, string[]>;

type Filter =
  | { kind: 'and' | 'or'; children: Filter[] }
  | { kind: 'not'; child: Filter }
  | { kind: 'equal' | 'ge' | 'le'; attribute: string; value: string }
  | { kind: 'present'; attribute: string }
  | { kind: 'substrings'; attribute: string; initial: string; any: string[]; final: string };

export function parseLdapFilter(text: string): Filter {
  const [filter, end] = parseAt(text, 0);
  if (end !== text.length) throw new Error(`trailing text at ${end} in ${text}`);
  return filter;
}

function parseAt(text: string, start: number): [Filter, number] {
  if (text[start] !== '(') throw new Error(`expected ( at ${start} in ${text}`);
  const kind = text[start + 1];
  if (kind === '&' || kind === '|') {
    const children: Filter[] = [];
    let position = start + 2;
    while (text[position] === '(') {
      const [child, next] = parseAt(text, position);
      children.push(child);
      position = next;
    }
    if (children.length === 0 || text[position] !== ')') throw new Error(`bad set at ${position} in ${text}`);
    return [{ kind: kind === '&' ? 'and' : 'or', children }, position + 1];
  }
  if (kind === '!') {
    const [child, next] = parseAt(text, start + 2);
    if (text[next] !== ')') throw new Error(`bad not at ${next} in ${text}`);
    return [{ kind: 'not', child }, next + 1];
  }
  const item = /^([A-Za-z][A-Za-z0-9-]*)(=|>=|<=)([^()]*)\)/.exec(text.slice(start + 1));
  if (!item) throw new Error(`bad item at ${start} in ${text}`);
  const [whole, attribute, operator, raw] = item as unknown as [string, string, string, string];
  const end = start + 1 + whole.length;
  if (operator === '=' && raw === '*') return [{ kind: 'present', attribute }, end];
  const pieces = raw.split('*').map(unescape);
  if (operator !== '=' || pieces.length === 1) {
    if (pieces.length !== 1) throw new Error(`unescaped * in ${text}`);
    return [{ kind: operator === '=' ? 'equal' : operator === '>=' ? 'ge' : 'le', attribute, value: pieces[0] as string }, end];
  }
  const any = pieces.slice(1, -1);
  if (any.some((piece) => piece === '')) throw new Error(`empty substring in ${text}`);
  return [{ kind: 'substrings', attribute, initial: pieces[0] as string, any, final: pieces[pieces.length - 1] as string }, end];
}

/** RFC 4515: `\xx` is one byte of the UTF-8 value; a bare backslash is an error. */
function unescape(raw: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < raw.length; ) {
    if (raw[i] === '\\') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad escape in ${raw}`);
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(raw.codePointAt(i) as number);
      bytes.push(...encoder.encode(char));
      i += char.length;
    }
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
}

export function matchesLdap(filter: Filter, entry: Entry): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.children.every((child) => matchesLdap(child, entry));
    case 'or':
      return filter.children.some((child) => matchesLdap(child, entry));
    case 'not':
      return !matchesLdap(filter.child, entry);
    case 'present':
      return values(entry, filter.attribute).length > 0;
    case 'equal':
      return values(entry, filter.attribute).some((v) => fold(v) === fold(filter.value));
    case 'ge':
      return values(entry, filter.attribute).some((v) => codePointCompare(fold(v), fold(filter.value)) >= 0);
    case 'le':
      return values(entry, filter.attribute).some((v) => codePointCompare(fold(v), fold(filter.value)) <= 0);
    case 'substrings':
      return values(entry, filter.attribute).some((v) => substringsMatch(fold(v), filter));
  }
}

function values(entry: Entry, attribute: string): string[] {
  return entry.get(attribute.toLowerCase()) ?? [];
}

function codePointCompare(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

function substringsMatch(value: string, filter: { initial: string; any: string[]; final: string }): boolean {
  const initial = fold(filter.initial);
  const final = fold(filter.final);
  if (!value.startsWith(initial) || !value.endsWith(final) || value.length < initial.length + final.length) return false;
  let position = initial.length;
  const limit = value.length - final.length;
  for (const piece of filter.any.map(fold)) {
    const found = value.indexOf(piece, position);
    if (found === -1 || found + piece.length > limit) return false;
    position = found + piece.length;
  }
  return true;
}

/** The entry an LDAP store would hold for a mailbox (absent attributes for missing values). */
export function ldapEntry({ mailbox, stored }: StoredMailbox): Entry {
  const entry: Entry = new Map([['objectclass', ['top', 'inetOrgPerson', 'casMailbox']]]);
  const services: string[] = [];
  for (const property of PROPERTIES) {
    const ldap = propertyAttribute(property.name);
    if (ldap !== null && 'enabledServices' in ldap && isCasSetting(property.name) && stored[property.name]) services.push(...ldap.enabledServices);
    if (ldap === null || !('attribute' in ldap)) continue;
    const read = property.read(mailbox);
    const list = (Array.isArray(read) ? read : [read])
      .filter((v): v is string | boolean => v !== null && v !== '')
      .map((v) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : v));
    if (list.length > 0) entry.set(ldap.attribute.toLowerCase(), list);
  }
  if (services.length > 0) entry.set(ENABLED_SERVICE_ATTRIBUTE.toLowerCase(), services);
  entry.set(ADMINISTRATOR_ATTRIBUTE.toLowerCase(), [mailbox.IsAdministrator ? 'TRUE' : 'FALSE']);
  return entry;
}
