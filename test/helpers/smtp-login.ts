/**
 * A raw-socket SMTP AUTH PLAIN for the tests (the counterpart of mail-login.ts's IMAP and POP3):
 * EHLO, AUTH PLAIN, QUIT. Only 235 and 535 are answers about the user; anything else (454 when
 * Postfix cannot reach Dovecot's auth, AUTH not offered, a hang-up) means the harness is broken,
 * and throws, so that a broken setup never passes as "refused".
 *
 *   const result = await smtpAuthPlain(postfix.port, 'rand.zaher@tailspintoys.com', PASSWORD);
 *   assert.ok(result.ok, result.response);
 */
import { LineConnection, type LoginResult } from './mail-login.js';

export interface SmtpAuthOptions {
  /** The client's address (any 127.x.y.z), which Dovecot sees as `rip`; default the OS's choice. */
  localAddress?: string;
  /** Per step; default 5 s. */
  timeoutMs?: number;
}

/** One SMTP reply: its code and every line of it (a multi-line reply is `250-...` lines, then `250 ...`). */
interface Reply {
  code: number;
  lines: string[];
}

async function reply(connection: LineConnection): Promise<Reply> {
  const lines: string[] = [];
  for (;;) {
    const line = await connection.next();
    lines.push(line);
    if (/^\d{3}(?: |$)/.test(line)) return { code: Number(line.slice(0, 3)), lines };
    if (!/^\d{3}-/.test(line)) throw new Error(`not an SMTP reply line: ${line}`);
  }
}

/** Does an EHLO reply offer AUTH PLAIN (`250-AUTH PLAIN LOGIN`)? */
function offersPlain(ehlo: Reply): boolean {
  return ehlo.lines.some((line) => /^AUTH\s/i.test(line.slice(4)) && line.slice(4).toUpperCase().split(/\s+/).includes('PLAIN'));
}

/**
 * AUTH PLAIN as `user` with `password`: `ok` true on 235, false on 535; `response` is the reply.
 * Throws on any other reply (the harness is broken, not the user refused).
 */
export async function smtpAuthPlain(port: number, user: string, password: string, options: SmtpAuthOptions = {}): Promise<LoginResult> {
  const connection = await LineConnection.open(port, options.timeoutMs ?? 5000, '127.0.0.1', options.localAddress);
  const expect = async (code: number, step: string): Promise<Reply> => {
    const answer = await reply(connection);
    if (answer.code !== code) throw new Error(`SMTP ${step}: expected ${code}, got:\n${answer.lines.join('\n')}`);
    return answer;
  };
  try {
    await expect(220, 'greeting');
    connection.send('EHLO client.casctl.test');
    const ehlo = await expect(250, 'EHLO');
    if (!offersPlain(ehlo)) throw new Error(`SMTP EHLO does not offer AUTH PLAIN:\n${ehlo.lines.join('\n')}`);
    connection.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64')}`);
    const answer = await reply(connection);
    const response = answer.lines.join('\n');
    if (answer.code !== 235 && answer.code !== 535) throw new Error(`SMTP AUTH PLAIN as ${user}: neither accepted (235) nor refused (535):\n${response}`);
    connection.send('QUIT');
    await reply(connection).catch(() => undefined);
    return { ok: answer.code === 235, response };
  } finally {
    connection.close();
  }
}
