import { ServiceError } from '../core/errors.js';
import { failureMessage, showCommand, type CommandRunner } from './run-command.js';

/** One mailbox's totals over all its folders, as doveadm counts them from Dovecot's indexes. */
export interface MailboxStatus {
  messages: number;
  /** The messages' size as IMAP reports it (RFC822.SIZE, CRLF line ends): what a client downloads. */
  vsize: number;
}

/** What one `doveadm mailbox status` call says of the users it was given. */
export interface BatchStatus {
  found: Map<string, MailboxStatus>;
  /** Users doveadm logged an error for (`doveadm(user): Error: …`), with that error. */
  failed: Map<string, string>;
}

/**
 * The words after the doveadm prefix: tab output; `-t` sums every folder (`*`) into one line per
 * user; `-F -` reads the users from stdin, one per line, so any number of them fit in one call
 * and no address is ever an argument. Dovecot 2.3 and 2.4 take them alike.
 */
const STATUS_WORDS = ['-f', 'tab', 'mailbox', 'status', '-t', '-F', '-', 'messages vsize', '*'] as const;

/** ssh joins the words after the host into a line for the remote user's shell, which would split `messages vsize` and expand `*`. */
function throughRemoteShell(doveadm: readonly string[]): boolean {
  return doveadm.some((word) => /(^|\/)ssh$/.test(word));
}

const shellQuoted = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/** The argv that reads the statistics of the users written to its stdin, through a server's doveadm prefix. */
export function mailboxStatusArgv(doveadm: readonly string[]): string[] {
  return [...doveadm, ...(throughRemoteShell(doveadm) ? STATUS_WORDS.map(shellQuoted) : STATUS_WORDS)];
}

/**
 * The rows of `doveadm -f tab mailbox status -t -F …`: a header (`Username messages vsize`), then
 * a line per user doveadm knows, named as it was given. Null when the output is not that table.
 */
export function parseMailboxStatus(stdout: string): Map<string, MailboxStatus> | null {
  const [header = '', ...lines] = stdout.split('\n');
  const columns = header.replace(/\r$/, '').split('\t').map((c) => c.toLowerCase());
  const [user, messages, vsize] = ['username', 'messages', 'vsize'].map((name) => columns.indexOf(name));
  if (user === undefined || messages === undefined || vsize === undefined || user < 0 || messages < 0 || vsize < 0) return null;
  const rows = new Map<string, MailboxStatus>();
  for (const line of lines) {
    if (line === '') continue;
    const cells = line.replace(/\r$/, '').split('\t');
    const count = Number(cells[messages]);
    const size = Number(cells[vsize]);
    if (cells.length !== columns.length || !Number.isSafeInteger(count) || !Number.isSafeInteger(size)) return null;
    rows.set(cells[user] as string, { messages: count, vsize: size });
  }
  return rows;
}

/** `doveadm(user): Error: [cmd mailbox status: ]why` lines of the given users (2.4 names the command, 2.3 does not). */
export function failedUsers(stderr: string, users: ReadonlySet<string>): Map<string, string> {
  const failed = new Map<string, string>();
  for (const line of stderr.split('\n')) {
    const match = /^doveadm\((.*)\): Error: (?:cmd mailbox status: )?(.*)$/.exec(line.replace(/\r$/, ''));
    if (match === null || !users.has(match[1] as string)) continue;
    const user = match[1] as string;
    failed.set(user, failed.has(user) ? `${failed.get(user)}; ${match[2]}` : (match[2] as string));
  }
  return failed;
}

/**
 * Runs one call for `users`. Users doveadm cannot read are `failed`; users it does not know
 * (no such user in its userdb: "User no longer exists, skipping") are in neither map. A call that
 * fails as a whole (it cannot run, times out, or exits non-zero without naming a user) is a ServiceError.
 */
export async function readMailboxStatus(runner: CommandRunner, doveadm: readonly string[], users: readonly string[], timeoutMs: number): Promise<BatchStatus> {
  const argv = mailboxStatusArgv(doveadm);
  const result = await runner(argv, timeoutMs, users.map((u) => `${u}\n`).join(''));
  const found = parseMailboxStatus(result.stdout);
  const failed = failedUsers(result.stderr, new Set(users));
  if (found === null) {
    throw new ServiceError(result.exitCode === 0 ? `'${showCommand(argv)}' did not print doveadm's status table: ${result.stdout.trim().slice(0, 200) || '(nothing)'}` : failureMessage(argv, result));
  }
  if (result.exitCode !== 0 && failed.size === 0) throw new ServiceError(failureMessage(argv, result));
  for (const user of failed.keys()) found.delete(user);
  return { found, failed };
}
