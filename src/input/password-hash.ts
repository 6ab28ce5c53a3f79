import { randomSalt, sha512Crypt } from './sha-crypt.js';

/**
 * SHA512-CRYPT with a random salt, prefixed with the scheme so Dovecot verifies it as is
 * (Dovecot's default_pass_scheme does not matter for prefixed values).
 */
export function hashPassword(plain: string): string {
  return `{SHA512-CRYPT}${sha512Crypt(plain, randomSalt())}`;
}
