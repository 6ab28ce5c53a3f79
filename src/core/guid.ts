import { onFirstUse } from './on-first-use.js';

const crypto = onFirstUse<typeof import('node:crypto')>('node:crypto');

/** A new Guid (a random UUID), for the mailboxes, OUs and plans created; node:crypto loads with the first. */
export function newGuid(): string {
  return crypto().randomUUID();
}
