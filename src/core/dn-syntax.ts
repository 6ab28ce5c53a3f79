import { escapeDnValue } from './distinguished-name.js';
import { fold } from './mailbox.js';

/**
 * Distinguished names as RFC 4514 writes them (LDAP's DNs, and the DistinguishedName every store
 * keeps): parsed into RDNs (leaf first), printed back with
 * escaping, and compared the way the directory compares them (attribute types and values
 * case-insensitively, surrounding spaces ignored). Only what casctl needs: one attribute per RDN
 * is kept (a multi-valued RDN `cn=a+uid=b` keeps its first), `#hex` values stay as written.
 */
export interface Rdn {
  type: string;
  value: string;
}

/** The RDNs of a DN, leaf first; null when the text is not a DN. */
export function parseDn(text: string): Rdn[] | null {
  const rdns: Rdn[] = [];
  let index = 0;
  const source = text.trim();
  if (source === '') return [];
  while (index <= source.length) {
    const equals = source.indexOf('=', index);
    if (equals < 0) return null;
    const type = source.slice(index, equals).trim();
    if (!/^([a-zA-Z][a-zA-Z0-9-]*|\d+(\.\d+)*)$/.test(type)) return null;
    const value = readValue(source, equals + 1);
    if (value === null) return null;
    rdns.push({ type, value: value.value });
    index = value.end;
    // Skip the other attributes of a multi-valued RDN.
    while (source[index] === '+') {
      const more = source.indexOf('=', index);
      if (more < 0) return null;
      const skipped = readValue(source, more + 1);
      if (skipped === null) return null;
      index = skipped.end;
    }
    if (index >= source.length) break;
    if (source[index] !== ',' && source[index] !== ';') return null;
    index++;
  }
  return rdns;
}

/** Reads one attribute value from `start`; stops at an unescaped `,`, `;` or `+`. */
function readValue(source: string, start: number): { value: string; end: number } | null {
  // Most values hold no escapes: no need to go through UTF-8 bytes.
  const plain = /^[^\\,;+]*/.exec(source.slice(start))?.[0] ?? '';
  const next = source[start + plain.length];
  if (next === undefined || next === ',' || next === ';' || next === '+') {
    return { value: plain.replace(/^ +| +$/g, ''), end: start + plain.length };
  }
  const bytes: number[] = [];
  let index = start;
  // Spaces after `=` are not part of the value.
  while (source[index] === ' ') index++;
  let trailingSpaces = 0;
  while (index < source.length) {
    const char = source[index] as string;
    if (char === ',' || char === ';' || char === '+') break;
    if (char === '\\') {
      const next = source.slice(index + 1, index + 3);
      if (/^[0-9a-fA-F]{2}$/.test(next)) {
        bytes.push(parseInt(next, 16));
        index += 3;
      } else if (index + 1 < source.length) {
        bytes.push(...Buffer.from(source[index + 1] as string, 'utf8'));
        index += 2;
      } else {
        return null;
      }
      trailingSpaces = 0;
      continue;
    }
    const codePoint = source.codePointAt(index) as number;
    const text = String.fromCodePoint(codePoint);
    bytes.push(...Buffer.from(text, 'utf8'));
    trailingSpaces = char === ' ' ? trailingSpaces + 1 : 0;
    index += text.length;
  }
  // Unescaped trailing spaces are not part of the value either.
  const kept = bytes.slice(0, bytes.length - trailingSpaces);
  return { value: Buffer.from(kept).toString('utf8'), end: index };
}

export function formatRdn(rdn: Rdn): string {
  return `${rdn.type}=${escapeDnValue(rdn.value)}`;
}

export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map(formatRdn).join(',');
}

/** A key under which DNs the directory considers equal are equal. */
export function dnKey(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => `${rdn.type.toLowerCase()}=${fold(rdn.value.replace(/\s+/g, ' ').trim())}`).join(',');
}

/** The key under which the directory considers two DNs the same; null for text that is no DN. */
export function keyOfDn(dn: string): string | null {
  const rdns = parseDn(dn);
  return rdns === null ? null : dnKey(rdns);
}

/** The RDNs of `dn` below `base`, leaf first; null when `dn` is not `base` or below it. */
export function relativeTo(dn: readonly Rdn[], base: readonly Rdn[]): Rdn[] | null {
  if (dn.length < base.length) return null;
  const tail = dn.slice(dn.length - base.length);
  if (dnKey(tail) !== dnKey(base)) return null;
  return dn.slice(0, dn.length - base.length);
}
