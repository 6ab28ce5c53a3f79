import { onFirstUse } from './on-first-use.js';

// Every command reads the configured webmail networks; few have any.
const net = onFirstUse<typeof import('node:net')>('node:net');

/**
 * IP networks written as CIDR (`10.1.0.0/16`, `2001:db8::/32`, a bare address for one host), as
 * the webmail networks are configured: parsed strictly, since the normalised text goes into an
 * SQL literal and a Dovecot setting, and matched against the addresses `doveadm who` lists.
 */

export interface IpNetwork {
  /** Normalised: `10.1.0.0/16`, `2001:db8::/32`; an IPv4-mapped IPv6 network is written as IPv4, as Dovecot reads it. */
  text: string;
  family: 4 | 6;
  prefix: number;
  /** The address, 4 or 16 bytes. */
  bytes: readonly number[];
}

export type ParsedNetwork = { network: IpNetwork } | { problem: string };

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function ipv6Bytes(address: string): number[] {
  // isIP accepted it, so it is well formed: at most one `::`, an IPv4 tail only at the end.
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ipv4Hex(g) : [g]));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function ipv4Hex(address: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** The address's 4 or 16 bytes; null for anything else (a zone id such as `%eth0` included). */
function rawBytes(address: string): number[] | null {
  const family = /^[0-9A-Fa-f.:]+$/.test(address) ? net().isIP(address) : 0;
  if (family === 0) return null;
  return family === 4 ? address.split('.').map(Number) : ipv6Bytes(address);
}

const isMapped = (bytes: readonly number[]): boolean => bytes.length === 16 && MAPPED_PREFIX.every((b, i) => bytes[i] === b);

/** The address's bytes, an IPv4-mapped IPv6 address as its IPv4 address; null when it is none. */
export function addressBytes(address: string): number[] | null {
  const bytes = rawBytes(address);
  return bytes !== null && isMapped(bytes) ? bytes.slice(12) : bytes;
}

function addressText(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The URL parser writes IPv6 in RFC 5952's canonical form (lower case, longest zero run as ::).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** The first `prefix` bits of `bytes`, the rest zero. */
function masked(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

/** `address/prefix` or a bare address (one host); whitespace, zone ids (`%eth0`) and host bits beyond the prefix are refused. */
export function parseNetwork(text: string): ParsedNetwork {
  const [address = '', prefixText, extra] = text.split('/');
  if (extra !== undefined) return { problem: 'has more than one "/"' };
  const raw = rawBytes(address);
  if (raw === null) return { problem: 'is not an IPv4 or IPv6 address, optionally followed by /prefix' };
  let bytes = raw;
  const width = bytes.length * 8;
  if (prefixText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return { problem: `has a prefix that is not a number from 0 to ${width}` };
  let prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return { problem: `has a prefix that is not a number from 0 to ${width}` };
  if (isMapped(bytes) && prefix >= 96) {
    bytes = bytes.slice(12);
    prefix -= 96;
  }
  const network = masked(bytes, prefix);
  if (network.some((b, i) => b !== bytes[i])) return { problem: `has bits set beyond its /${prefix} prefix: the network is ${addressText(network)}/${prefix}` };
  return { network: { text: `${addressText(bytes)}/${prefix}`, family: bytes.length === 4 ? 4 : 6, prefix, bytes } };
}

/** The address (as `doveadm who` prints it) is in one of the networks; an address that is none is in none. */
export function inNetworks(address: string, networks: readonly IpNetwork[]): boolean {
  const bytes = addressBytes(address);
  if (bytes === null) return false;
  return networks.some((n) => n.bytes.length === bytes.length && masked(bytes, n.prefix).every((b, i) => b === n.bytes[i]));
}
