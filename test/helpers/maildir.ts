/**
 * Mail for a Dovecot under test, the two ways it arrives: delivered through doveadm save (as
 * Dovecot's own delivery stores it), or a Maildir written straight to disk, with the file names
 * Dovecot's delivery gives them (`,S=<size>,W=<vsize>`), when thousands of mailboxes need mail fast.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dovecot } from './dovecot.js';

/** What a mailbox holds: how many messages, and their size as IMAP's RFC822.SIZE counts it (CRLF line ends). */
export interface Holding {
  messages: number;
  vsize: number;
}

/** A message of about `bytes` bytes (LF line ends, as a Maildir stores them), different for each `seed`; `text` goes in its body. */
export function message(seed: string, bytes: number, text = ''): string {
  const head = `From: sender@example.test\nTo: ${seed}\nSubject: message ${seed}\nMessage-ID: <${seed}@example.test>\n\n${text}\n`;
  const lines: string[] = [];
  for (let length = head.length; length < bytes; length += 65) lines.push(`${seed} `.repeat(64).slice(0, 64));
  return `${head}${lines.join('\n')}\n`;
}

/** The size IMAP reports: every bare LF counts as CRLF. */
export function virtualSize(text: string): number {
  const bytes = Buffer.byteLength(text);
  return bytes + (text.match(/\n/g)?.length ?? 0) - (text.match(/\r\n/g)?.length ?? 0);
}

/** Delivers each message to the user's folder (INBOX unless named, created when missing) with `doveadm save`, checked. */
export function deliver(dovecot: Dovecot, user: string, messages: readonly string[], folder = 'INBOX'): Holding {
  const [program = 'doveadm', ...prefix] = dovecot.doveadmPrefix;
  if (folder !== 'INBOX') dovecot.doveadm(['mailbox', 'create', '-u', user, folder]);
  for (const text of messages) {
    const saved = spawnSync(program, [...prefix, '-c', dovecot.config, 'save', '-u', user, '-m', folder], { input: text, encoding: 'utf8', timeout: 15_000 });
    if (saved.status !== 0) throw new Error(`doveadm save -u ${user} -m ${folder} failed (exit ${saved.status}): ${saved.stderr}`);
  }
  return { messages: messages.length, vsize: messages.reduce((sum, text) => sum + virtualSize(text), 0) };
}

/** Writes a Maildir (new/, cur/, tmp/, the messages in cur/) at `path`; ownLikeMailRoot then hands it to vmail. Returns what it holds. */
export function writeMaildir(path: string, messages: readonly string[]): Holding {
  for (const dir of ['new', 'cur', 'tmp']) mkdirSync(join(path, dir), { recursive: true });
  let vsize = 0;
  messages.forEach((text, index) => {
    const size = Buffer.byteLength(text);
    const virtual = virtualSize(text);
    vsize += virtual;
    writeFileSync(join(path, 'cur', `1764633600.M${index}P1.casctl-test,S=${size},W=${virtual}:2,S`), text);
  });
  return { messages: messages.length, vsize };
}

/** Hands everything below the mail root to its owner (vmail), in one chown: Dovecot reads and indexes the mail as that user. */
export function ownLikeMailRoot(root: string): void {
  const { uid, gid } = statSync(root);
  const chown = spawnSync('chown', ['-R', `${uid}:${gid}`, root], { encoding: 'utf8' });
  if (chown.status !== 0) throw new Error(`chown -R ${uid}:${gid} ${root} failed: ${chown.stderr}`);
}
