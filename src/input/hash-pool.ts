import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { packageFile } from '../core/package-root.js';
import type { HashReply } from './hash-messages.js';

/** Hashes plain-text passwords, whole batches at a time, in the order given. */
export interface BatchPasswordHasher {
  hash(passwords: readonly string[]): Promise<string[]>;
}

/**
 * Passwords that could not be hashed: `count` of them from `index` in the array given to hash().
 * One when a worker says which; a whole chunk when a worker died holding it.
 */
export class PasswordHashError extends Error {
  constructor(
    readonly index: number,
    readonly count: number,
    message: string,
  ) {
    super(message);
    this.name = 'PasswordHashError';
  }
}

/**
 * Passwords per message to a worker: about 0.15 s of hashing, so a message costs nothing by
 * comparison and a batch of 1,000 rows still spreads over every core.
 */
const CHUNK = 50;

// The built worker, from source too (the tests, under tsx): tsx's hooks do not reach worker
// threads on Node 20, and the tests run after `npm run build`.
const WORKER = packageFile('dist/input/hash-worker.js');

interface Task {
  id: number;
  passwords: readonly string[];
  /** Where the chunk starts in the array given to hash(): errors are located by it. */
  offset: number;
  resolve(hashes: string[]): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

/**
 * SHA512-CRYPT on every core: worker threads, started on the first password (an import without
 * passwords starts none), each hashing one chunk at a time. A worker that fails or dies fails
 * the chunk it held, with the index of the password it was at; close() ends them all.
 */
export class HashPool implements BatchPasswordHasher {
  private readonly queue: Task[] = [];
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly size = availableParallelism(),
    private readonly workerUrl: string | URL = WORKER,
  ) {}

  async hash(passwords: readonly string[]): Promise<string[]> {
    if (this.closed) throw new Error('the password hash pool is closed');
    const chunks: Promise<string[]>[] = [];
    for (let offset = 0; offset < passwords.length; offset += CHUNK) {
      chunks.push(
        new Promise<string[]>((resolve, reject) => {
          this.queue.push({ id: this.nextId++, passwords: passwords.slice(offset, offset + CHUNK), offset, resolve, reject });
        }),
      );
    }
    this.dispatch();
    return (await Promise.all(chunks)).flat();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the password hash pool was closed'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.task === null) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (slot === undefined) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, passwords: task.passwords });
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.workerUrl), task: null };
    this.slots.push(slot);
    const fail = (message: string): void => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      const task = slot.task;
      slot.task = null;
      task?.reject(new PasswordHashError(task.offset, task.passwords.length, message));
      void slot.worker.terminate();
      this.dispatch();
    };
    slot.worker.on('message', (reply: HashReply) => {
      const task = slot.task;
      // A worker only ever answers the one task it holds.
      if (task === null) return;
      slot.task = null;
      if ('hashes' in reply) task.resolve(reply.hashes);
      else task.reject(new PasswordHashError(task.offset + reply.failedAt, 1, reply.message));
      this.dispatch();
    });
    slot.worker.on('error', (error) => fail(`a hashing worker failed: ${error.message}`));
    slot.worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(`a hashing worker stopped (exit code ${code})`);
    });
    return slot;
  }
}
