import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CasctlError, ExitCode, UsageError } from '../../../src/core/errors.js';
import { HashPool, PasswordHashError, type BatchPasswordHasher } from '../../../src/input/hash-pool.js';
import { mailboxCsvBatches, readMailboxCsv } from '../../../src/input/mailbox-csv.js';
import { spoolBatches } from '../../../src/input/spooled-batches.js';
import { tempDir } from '../../helpers/cli.js';
import { emptyMemoryStore } from '../../helpers/memory-store.js';

const FAILING = new URL('./support/failing-hash-worker.mjs', import.meta.url);

function file(text: string): string {
  const path = join(tempDir(), 'in.csv');
  writeFileSync(path, text);
  return path;
}

/** `count` rows; row i (line i + 2) has the password `pw<i>`, every 7th an already hashed one, every 11th none. */
function passwordsCsv(count: number, password = (i: number): string => (i % 7 === 0 ? `{SSHA512}kept${i}` : i % 11 === 0 ? '' : `pw${i}`)): string {
  const rows = Array.from({ length: count }, (_, i) => `u${i}@example.org,${password(i)}`);
  return file(`PrimarySmtpAddress,Password\n${rows.join('\n')}\n`);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('rows keep their order and their own hash when batches are hashed concurrently and finish out of order', async () => {
  let running = 0;
  let most = 0;
  let calls = 0;
  const hasher: BatchPasswordHasher = {
    async hash(passwords) {
      running++;
      most = Math.max(most, running);
      // Later batches finish first.
      await delay(Math.max(0, 40 - calls++ * 5));
      running--;
      return passwords.map((p) => `{TEST}${p}`);
    },
  };
  const path = passwordsCsv(10_500);
  let yielded = 0;
  const seen: (string | null)[] = [];
  for await (const batch of mailboxCsvBatches(path, hasher)) {
    yielded++;
    for (const record of batch) seen.push(record.Password);
    // The reader stays ahead by a bounded number of batches, however slow the consumer.
    await delay(5);
  }
  assert.equal(seen.length, 10_500);
  seen.forEach((password, i) => assert.equal(password, i % 7 === 0 ? `{SSHA512}kept${i}` : i % 11 === 0 ? null : `{TEST}pw${i}`, `row ${i}`));
  assert.equal(yielded, 11);
  assert.ok(most > 1, 'batches are hashed concurrently');
  assert.ok(most <= 4, `at most 4 batches in flight, saw ${most}`);
});

test('a password that cannot be hashed fails the read with its line, exit 70, and without the password', async () => {
  const hasher: BatchPasswordHasher = {
    async hash(passwords) {
      const at = passwords.indexOf('pw1234');
      if (at >= 0) throw new PasswordHashError(at, 1, `cannot hash 'pw1234'`);
      return passwords.map((p) => `{TEST}${p}`);
    },
  };
  await assert.rejects(readMailboxCsv(passwordsCsv(3000), hasher), (error: unknown) => {
    assert.ok(error instanceof CasctlError && !(error instanceof UsageError));
    assert.equal(error.exitCode, ExitCode.Internal);
    assert.match(error.message, /in\.csv:1236: the password could not be hashed: cannot hash '\*\*\*'; nothing was imported\.$/);
    return true;
  });
});

test('any other failure of the hasher fails the read with the lines of its batch, not as a broken CSV', async () => {
  const hasher: BatchPasswordHasher = {
    async hash(passwords) {
      if (passwords.includes('pw1101')) throw new Error('the password hash pool is closed');
      return passwords.map((p) => `{TEST}${p}`);
    },
  };
  await assert.rejects(readMailboxCsv(passwordsCsv(2100), hasher), (error: unknown) => {
    assert.ok(error instanceof CasctlError && !(error instanceof UsageError));
    // The second batch: rows 1000..1999, lines 1002..2001, both ends with a plain-text password.
    assert.match(error.message, /in\.csv:1002-2001: the password could not be hashed: the password hash pool is closed; nothing was imported\.$/);
    return true;
  });
});

test('a bad row later in the file still wins over batches hashing ahead of it, which never crash the process', async () => {
  const hasher: BatchPasswordHasher = {
    async hash() {
      await delay(20);
      throw new PasswordHashError(0, 1, 'never awaited');
    },
  };
  const rows = Array.from({ length: 2500 }, (_, i) => `u${i}@example.org,${i === 2400 ? 'perhaps' : 'true'},pw${i}`);
  await assert.rejects(readMailboxCsv(file(`PrimarySmtpAddress,PopEnabled,Password\n${rows.join('\n')}\n`), hasher), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /in\.csv:2402: PopEnabled 'perhaps' is not a boolean/);
    return true;
  });
  await delay(50);
});

test('a worker that dies fails the import with the lines of its chunk; the store is left empty, no spool file remains', async () => {
  const spools = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('casctl-import-'));
  const before = new Set(spools());
  const path = passwordsCsv(1800, (i) => (i === 1500 ? 'throw' : `pw${i}`));
  const located = (error: unknown): boolean => {
    assert.ok(error instanceof CasctlError);
    assert.equal(error.exitCode, ExitCode.Internal);
    // Rows 1500..1549 of the file are the chunk the worker held: lines 1502-1551.
    assert.match(error.message, /in\.csv:1502-1551: the password could not be hashed: a hashing worker failed: worker bug; nothing was imported\./);
    assert.doesNotMatch(error.message, /throw/);
    return true;
  };

  const store = emptyMemoryStore();
  const direct = new HashPool(2, FAILING);
  try {
    await assert.rejects(store.importMailboxes(mailboxCsvBatches(path, direct), new Date()), located);
    assert.equal(await store.countMailboxes({}), 0);
  } finally {
    await direct.close();
  }

  const spooling = new HashPool(2, FAILING);
  try {
    await assert.rejects(spoolBatches(mailboxCsvBatches(path, spooling)), located);
  } finally {
    await spooling.close();
  }
  assert.deepEqual(spools().filter((name) => !before.has(name) && existsSync(join(tmpdir(), name))), []);
});

test('passwords longer than crypt(3) takes are bad rows; 511 bytes and hashed values of any length are not', async () => {
  const long = 'é'.repeat(256);
  const rows = [`a@x.org,${'x'.repeat(511)}`, `b@x.org,${long}`, `c@x.org,{SHA512-CRYPT}${'$'.repeat(600)}`];
  await assert.rejects(readMailboxCsv(file(`PrimarySmtpAddress,Password\n${rows.join('\n')}\n`), (p) => `{PLAIN}${p}`), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /1 bad row/);
    assert.match(error.message, /in\.csv:3: Password is longer than 511 bytes: Dovecot \(crypt\(3\)\) could never verify it/);
    assert.doesNotMatch(error.message, /éé/);
    return true;
  });
});
