import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HashPool, PasswordHashError } from '../../../src/input/hash-pool.js';
import { sha512Crypt } from '../../../src/input/sha-crypt.js';

const FAILING = new URL('./support/failing-hash-worker.mjs', import.meta.url);
const CRYPT = /^\{SHA512-CRYPT\}\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/;

test('hashes in the order given, across workers and concurrent calls, each with its own salt', async () => {
  const pool = new HashPool(3);
  try {
    const batches = [0, 1, 2].map((b) => Array.from({ length: 55 + b }, (_, i) => `pw-${b}-${i}-é`));
    const results = await Promise.all(batches.map((batch) => pool.hash(batch)));
    const salts = new Set<string>();
    results.forEach((hashes, b) => {
      assert.equal(hashes.length, batches[b]?.length);
      hashes.forEach((hash, i) => {
        const salt = CRYPT.exec(hash)?.[1] ?? '';
        salts.add(salt);
        assert.equal(hash, `{SHA512-CRYPT}${sha512Crypt(batches[b]?.[i] ?? '', salt)}`);
      });
    });
    assert.equal(salts.size, 168);
    assert.deepEqual(await pool.hash([]), []);
  } finally {
    await pool.close();
  }
});

test('a password a worker cannot hash fails its call with the index of that password', async () => {
  const pool = new HashPool(2);
  try {
    // Not a string: what the worker's per-password catch is there for.
    const passwords = [...Array.from({ length: 57 }, (_, i) => `ok${i}`), 42 as unknown as string, 'after'];
    await assert.rejects(pool.hash(passwords), (error: unknown) => error instanceof PasswordHashError && error.index === 57);
    // The worker lives on: the pool still hashes.
    assert.match((await pool.hash(['again']))[0] ?? '', CRYPT);
  } finally {
    await pool.close();
  }
});

for (const [cue, reason] of [['exit', /stopped \(exit code 3\)/], ['throw', /failed: worker bug/]] as const) {
  test(`a worker that dies (${cue}) fails the chunk it held, located at the chunk's first password; the others still come back`, async () => {
    const pool = new HashPool(2, FAILING);
    try {
      const passwords = Array.from({ length: 200 }, (_, i) => (i === 120 ? cue : `p${i}`));
      const other = pool.hash(['x', 'y']);
      await assert.rejects(pool.hash(passwords), (error: unknown) => error instanceof PasswordHashError && error.index === 100 && reason.test(error.message));
      assert.deepEqual(await other, ['{PLAIN}x', '{PLAIN}y']);
      // A worker is started again in its place.
      assert.deepEqual(await pool.hash(['z']), ['{PLAIN}z']);
    } finally {
      await pool.close();
    }
  });
}

test('close() rejects what is still queued and ends the workers; a closed pool refuses work', async () => {
  const pool = new HashPool(1, FAILING);
  const queued = pool.hash(Array.from({ length: 500 }, (_, i) => `p${i}`));
  const rejected = assert.rejects(queued, /closed/);
  await new Promise((resolve) => setTimeout(resolve, 30));
  await pool.close();
  await rejected;
  await assert.rejects(pool.hash(['late']), /closed/);
});
