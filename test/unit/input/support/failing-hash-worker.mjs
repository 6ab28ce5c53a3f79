// A hash worker that dies on cue: 'exit' ends the thread, 'throw' throws outside any catch. Other
// passwords come back as {PLAIN}, slowly enough that several workers hold chunks at once.
// JavaScript: tsx's hooks do not reach worker threads.
import process from 'node:process';
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', ({ id, passwords }) => {
  if (passwords.includes('exit')) process.exit(3);
  if (passwords.includes('throw')) throw new Error('worker bug');
  const until = Date.now() + 20;
  while (Date.now() < until);
  parentPort?.postMessage({ id, hashes: passwords.map((p) => `{PLAIN}${p}`) });
});
