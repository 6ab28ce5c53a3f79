// The password import bench's inputs: `count` mailboxes with plain-text passwords, as a CSV in
// casctl's import format and as one password per line for `openssl passwd -6 -stdin`.
// Deterministic. Passwords are 8 to 24 characters, one in eight with non-ASCII letters, none
// longer than the 256 characters openssl reads from a line, none with a comma, quote or line break.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMAIN } from './generate.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%&*+-./:;<=>?@^_~';
const UNICODE = 'éüßñøåçЖщ中文😀';

/** A small seeded PRNG (xorshift32): the same count gives the same files. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

export function passwordOf(random) {
  const length = 8 + Math.floor(random() * 17);
  const chars = [...(random() < 0.125 ? ALPHABET + UNICODE : ALPHABET)];
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(random() * chars.length)];
  return out;
}

/** Writes `<dir>/passwords-<count>.csv` and `<dir>/passwords-<count>.txt`; returns their paths and the passwords. */
export function generatePasswords(dir, count) {
  const random = prng(20261202);
  const passwords = Array.from({ length: count }, () => passwordOf(random));
  const csvPath = join(dir, `passwords-${count}.csv`);
  const passwordsPath = join(dir, `passwords-${count}.txt`);
  const rows = passwords.map((password, i) => `user${i}@${DOMAIN},User ${i},${password}`);
  writeFileSync(csvPath, `PrimarySmtpAddress,Name,Password\n${rows.join('\n')}\n`);
  writeFileSync(passwordsPath, `${passwords.join('\n')}\n`);
  return { csvPath, passwordsPath, passwords };
}
