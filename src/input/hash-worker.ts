import { parentPort } from 'node:worker_threads';
import { hashPassword } from './password-hash.js';
import type { HashReply, HashRequest } from './hash-messages.js';

// One task at a time: the pool sends the next only after the reply, so a reply names its task.
parentPort?.on('message', ({ id, passwords }: HashRequest) => {
  const hashes: string[] = [];
  let reply: HashReply;
  try {
    for (const password of passwords) hashes.push(hashPassword(password));
    reply = { id, hashes };
  } catch (error) {
    reply = { id, failedAt: hashes.length, message: (error as Error).message };
  }
  parentPort?.postMessage(reply);
});
