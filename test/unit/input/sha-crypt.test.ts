import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { hashPassword } from '../../../src/input/password-hash.js';
import { randomSalt, sha512Crypt } from '../../../src/input/sha-crypt.js';

// The SHA-512 test vectors of Drepper's "Unix crypt using SHA-256 and SHA-512", rounds= variants included.
const VECTORS: { salt: string; rounds?: number; password: string; crypt: string }[] = [
  { salt: 'saltstring', password: 'Hello world!', crypt: '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1' },
  {
    salt: 'saltstringsaltstring', rounds: 10000, password: 'Hello world!',
    crypt: '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  },
  {
    salt: 'toolongsaltstring', rounds: 5000, password: 'This is just a test',
    crypt: '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0',
  },
  {
    salt: 'anotherlongsaltstring', rounds: 1400, password: 'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    crypt: '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
  },
  {
    salt: 'short', rounds: 77777, password: 'we have a short salt string but not a short password',
    crypt: '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0',
  },
  {
    salt: 'asaltof16chars..', rounds: 123456, password: 'a short string',
    crypt: '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1',
  },
  {
    salt: 'roundstoolow', rounds: 10, password: 'the minimum number is still observed',
    crypt: '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.',
  },
];

test('SHA-crypt spec vectors: default rounds, rounds=, salts cut to 16, rounds clamped to 1000', () => {
  for (const { salt, rounds, password, crypt } of VECTORS) assert.equal(sha512Crypt(password, salt, rounds), crypt, `${salt} ${rounds ?? ''}`);
});

test('a salt ends at its first $', () => {
  assert.equal(sha512Crypt('Hello world!', 'saltstring$ignored'), VECTORS[0]?.crypt);
});

/** `openssl passwd -6` for each password with one salt: one process, the passwords on stdin. */
function openssl(salt: string, passwords: readonly string[]): string[] {
  return execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: `${passwords.join('\n')}\n`, encoding: 'utf8' }).trimEnd().split('\n');
}

test('agrees with openssl passwd -6 on random passwords: ASCII, unicode, long, with spaces and quotes', () => {
  // openssl's -stdin reads lines and cuts them at 256 characters: no line breaks, and kept below that here.
  const line = fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).filter((s) => !/[\r\n\0]/.test(s) && Buffer.byteLength(s) < 256);
  const passwords = [
    ...fc.sample(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 }).filter((s) => !/[\r\n]/.test(s)), { numRuns: 60, seed: 15 }),
    ...fc.sample(line, { numRuns: 60, seed: 16 }),
    'пароль-Пароль', 'Tailspin!2026', '密码 with spaces', '😀 emoji 😀', 'é'.repeat(120), ' leading and trailing ', `quotes "and" 'these'`,
  ];
  for (const salt of ['saltstring', randomSalt(), randomSalt(), 'a', './09AZaz']) {
    const expected = openssl(salt, passwords);
    assert.equal(expected.length, passwords.length);
    passwords.forEach((password, i) => assert.equal(sha512Crypt(password, salt), expected[i], JSON.stringify(password)));
  }
});

/** crypt(3) of the C library (libxcrypt, which Dovecot verifies with), through perl: the password as UTF-8 on stdin. */
function libcCrypt(password: string, salt: string): string {
  return execFileSync('perl', ['-e', 'local $/; my $p = <STDIN>; print crypt($p, $ARGV[0])', `$6$${salt}$`], { input: password, encoding: 'utf8' });
}

test('agrees with crypt(3) on passwords longer than a SHA-512 block and than the 256 bytes openssl passwd cuts them to', () => {
  for (const password of ['x'.repeat(300), 'ß'.repeat(200), `${'0123456789'.repeat(13)}é`, 'a'.repeat(64), 'b'.repeat(128), 'y'.repeat(511)]) {
    const salt = randomSalt();
    assert.equal(sha512Crypt(password, salt), libcCrypt(password, salt), `${password.length} characters`);
  }
  // The reference itself meets the spec.
  assert.equal(libcCrypt('Hello world!', 'saltstring'), VECTORS[0]?.crypt);
});

test('random salts are 16 characters of the crypt alphabet and differ; hashPassword prefixes the scheme Dovecot reads', () => {
  const salts = Array.from({ length: 200 }, randomSalt);
  for (const salt of salts) assert.match(salt, /^[./0-9A-Za-z]{16}$/);
  assert.equal(new Set(salts).size, salts.length);
  // Every alphabet character turns up: 6 bits of each byte, none lost to a modulo or a narrower mapping.
  assert.equal(new Set(salts.join('')).size, 64);
  const hashed = hashPassword('S3cret!');
  const [, salt = ''] = /^\{SHA512-CRYPT\}\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/.exec(hashed) ?? [];
  assert.equal(hashed, `{SHA512-CRYPT}${sha512Crypt('S3cret!', salt)}`);
});
