/** One message delivered by Dovecot's LDA (dovecot-lda -d), as a local MTA would: a delivery, not a login. */
import { spawnSync } from 'node:child_process';
import { besideDaemon } from './debian13-root.js';
import type { Dovecot } from './dovecot.js';

const LDA = '/usr/lib/dovecot/dovecot-lda';

export function deliverByLda(dovecot: Dovecot, recipient: string, subject = 'casctl test'): void {
  const argv = dovecot.version === '2.3' ? [LDA] : besideDaemon(dovecot.pid, [LDA]);
  const [program = LDA, ...rest] = argv;
  const message = ['From: sender@example.com', `To: ${recipient}`, `Subject: ${subject}`, '', 'Hello.', ''].join('\n');
  const result = spawnSync(program, [...rest, '-c', dovecot.config, '-d', recipient, '-f', 'sender@example.com'], { input: message, encoding: 'utf8', timeout: 15_000 });
  if (result.status !== 0) throw new Error(`dovecot-lda -d ${recipient} failed (exit ${result.status ?? result.signal}): ${result.stderr}${result.error?.message ?? ''}`);
}
