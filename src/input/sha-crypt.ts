import { hash, randomBytes } from 'node:crypto';

/** crypt(3)'s base-64 alphabet: `./0-9A-Za-z`, not RFC 4648's. */
const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const MAX_SALT = 16;
const DIGEST = 64;

/** A salt of the longest length the spec allows, each character from 6 random bits. */
export function randomSalt(): string {
  let salt = '';
  for (const byte of randomBytes(MAX_SALT)) salt += ALPHABET[byte & 0x3f];
  return salt;
}

const sha512 = (data: Buffer): Buffer => hash('sha512', data, 'buffer');

/** `source` repeated to `length` bytes: the spec's P and S sequences. */
function repeated(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += source.length) source.copy(out, at, 0, Math.min(source.length, length - at));
  return out;
}

/**
 * Drepper's SHA-crypt with SHA-512 (`$6$`, "Unix crypt using SHA-256 and SHA-512"), as glibc's
 * crypt(3), `openssl passwd -6` and Dovecot's SHA512-CRYPT compute it. `salt` is the text between
 * `$6$[rounds=N$]` and the next `$`, cut to 16 characters; rounds are clamped to 1000..999999999,
 * as the spec says. Without `rounds`: the default 5000 and no `rounds=` in the output.
 */
export function sha512Crypt(password: string, salt: string, rounds?: number): string {
  const key = Buffer.from(password, 'utf8');
  // Salts are crypt-alphabet ASCII (randomSalt), where 16 characters are the spec's 16 bytes.
  const saltText = (salt.split('$')[0] ?? '').slice(0, MAX_SALT);
  const saltBytes = Buffer.from(saltText, 'binary');
  const count = rounds === undefined ? DEFAULT_ROUNDS : Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, Math.floor(rounds)));

  const b = sha512(Buffer.concat([key, saltBytes, key]));
  const a: Buffer[] = [key, saltBytes, repeated(b, key.length)];
  for (let n = key.length; n > 0; n >>= 1) a.push((n & 1) !== 0 ? b : key);
  const start = sha512(Buffer.concat(a));
  const p = repeated(sha512(repeated(key, key.length * key.length)), key.length);
  const s = repeated(sha512(repeated(saltBytes, saltBytes.length * (16 + (start[0] ?? 0)))), saltBytes.length);

  // A round's input is one of eight layouts of P, S and the previous digest: each is built once
  // and only the digest is written in per round. The digest travels as a binary (latin1) string:
  // crypto.hash returns one about 2.5 times faster than a Buffer (no ArrayBuffer per call), and
  // the call is most of a round.
  const empty = Buffer.alloc(0);
  const layouts = Array.from({ length: 8 }, (_, shape) => {
    const odd = (shape & 1) !== 0;
    const middle = [(shape & 2) !== 0 ? s : empty, (shape & 4) !== 0 ? p : empty];
    const digestAt = odd ? p.length + middle[0]!.length + middle[1]!.length : 0;
    const parts = odd ? [p, ...middle, Buffer.alloc(DIGEST)] : [Buffer.alloc(DIGEST), ...middle, p];
    return { buffer: Buffer.concat(parts), digestAt };
  });
  let digest = start.toString('binary');
  for (let i = 0; i < count; i++) {
    const layout = layouts[(i & 1) | (i % 3 !== 0 ? 2 : 0) | (i % 7 !== 0 ? 4 : 0)]!;
    layout.buffer.write(digest, layout.digestAt, 'binary');
    digest = hash('sha512', layout.buffer, 'binary');
  }
  const prefix = rounds === undefined ? '$6$' : `$6$rounds=${count}$`;
  return `${prefix}${saltText}$${encode(Buffer.from(digest, 'binary'))}`;
}

/** The spec's byte order: 21 groups of three bytes, each rotated one further, then the last byte. */
function encode(digest: Buffer): string {
  let out = '';
  const put = (value: number, chars: number): void => {
    for (let i = 0; i < chars; i++, value >>= 6) out += ALPHABET[value & 0x3f];
  };
  const at = (i: number): number => digest[i] ?? 0;
  for (let k = 0; k < 21; k++) {
    const group = [k, k + 21, k + 42];
    const r = k % 3;
    const [b2, b1, b0] = [...group.slice(r), ...group.slice(0, r)] as [number, number, number];
    put((at(b2) << 16) | (at(b1) << 8) | at(b0), 4);
  }
  put(at(63), 2);
  return out;
}
