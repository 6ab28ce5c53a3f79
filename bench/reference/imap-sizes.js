// Baseline for `casctl get-mailboxstatistics` (issue 18): what a script without doveadm does, the
// way PHP's imap_mailboxmsginfo does it. For each mailbox: connect, LOGIN over IMAP, SELECT INBOX,
// `FETCH 1:* (RFC822.SIZE)`, sum, LOGOUT; `inFlight` mailboxes at once (as many as casctl's doveadm
// calls), with imapflow.
//
//   node bench/reference/imap-sizes.js <port> <users file, one address per line> <out.json> [inFlight]
//
// The password is the same for every mailbox and comes from BENCH_IMAP_PASSWORD, never argv.
// Writes [{"user", "messages", "size"}] in the file's order.
import { readFileSync, writeFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

const [port, usersFile, outFile, inFlight = '4'] = process.argv.slice(2);
const password = process.env.BENCH_IMAP_PASSWORD;
if (!port || !usersFile || !outFile || !password) throw new Error('usage: BENCH_IMAP_PASSWORD=... imap-sizes.js <port> <users file> <out.json> [inFlight]');
const users = readFileSync(usersFile, 'utf8').split('\n').filter(Boolean);
const quiet = () => undefined;
const logger = { debug: quiet, trace: quiet, info: quiet, warn: quiet, error: quiet, fatal: quiet };

async function sizes(user) {
  const client = new ImapFlow({ host: '127.0.0.1', port: Number(port), secure: false, auth: { user, pass: password }, logger, disableAutoIdle: true });
  client.on('error', quiet);
  await client.connect();
  try {
    const inbox = await client.mailboxOpen('INBOX', { readOnly: true });
    let messages = 0;
    let size = 0;
    if (inbox.exists > 0) {
      for await (const message of client.fetch('1:*', { size: true })) {
        messages++;
        size += message.size;
      }
    }
    return { user, messages, size };
  } finally {
    await client.logout();
  }
}

const results = new Array(users.length);
let next = 0;
async function worker() {
  while (next < users.length) {
    const index = next++;
    results[index] = await sizes(users[index]);
  }
}
await Promise.all(Array.from({ length: Math.max(1, Number(inFlight)) }, worker));
writeFileSync(outFile, JSON.stringify(results));
