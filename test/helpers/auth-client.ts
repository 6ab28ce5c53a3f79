/**
 * Dovecot's auth-client protocol on its `auth-client` socket: the same authentication the IMAP and
 * POP3 login processes ask for, through the same auth cache, thousands of times a second on one
 * connection. The bulk tests warm the cache and check thousands of logins with it; real IMAP and
 * POP3 logins (mail-login.ts) check the protocols themselves.
 */
import { createConnection } from 'node:net';

export interface AuthRequest {
  user: string;
  password: string;
  /** imap, pop3, smtp, submission, ... (Dovecot's %s / %{protocol}). */
  service: string;
  /** The client's address, as a login process reports it (default 127.0.0.1): what webmail rules (allow_real_nets) match. */
  remoteIp?: string;
}

export interface AuthReply {
  ok: boolean;
  /** The fields Dovecot answered with: user=..., reason=..., ... */
  fields: Record<string, string>;
}

export interface AuthOptions {
  /**
   * Requests in flight at once. Dovecot 2.3 answers failures in batches on a timer (every 0.5 s),
   * so many must wait at once; uncached lookups go to auth-worker processes, and 2.4 drops
   * requests once its 30 workers are busy, so lookups that miss the cache need fewer.
   */
  inFlight?: number;
  timeoutMs?: number;
}

export function authenticate(socketPath: string, requests: readonly AuthRequest[], options: AuthOptions = {}): Promise<AuthReply[]> {
  const inFlight = options.inFlight ?? 1000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const replies: (AuthReply | undefined)[] = new Array(requests.length);
    let sent = 0;
    let answered = 0;
    let buffer = '';
    let handshaken = false;
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => fail(new Error(`auth-client: ${answered} of ${requests.length} answered within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const send = (): void => {
      while (sent < requests.length && sent - answered < inFlight) {
        const request = requests[sent] as AuthRequest;
        const response = Buffer.from(`\0${request.user}\0${request.password}`).toString('base64');
        // ids start at 1; the login processes send these same parameters.
        const rip = request.remoteIp ?? '127.0.0.1';
        socket.write(`AUTH\t${sent + 1}\tPLAIN\tservice=${request.service}\tlip=127.0.0.1\trip=${rip}\treal_rip=${rip}\tsecured\tresp=${response}\n`);
        sent++;
      }
    };
    socket.on('error', fail);
    socket.on('connect', () => socket.write(`VERSION\t1\t2\nCPID\t${process.pid}\n`));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const [verb, id, ...rest] = line.split('\t');
        if (!handshaken) {
          if (verb === 'DONE') {
            handshaken = true;
            send();
          }
          continue;
        }
        if (verb !== 'OK' && verb !== 'FAIL') continue;
        const index = Number(id) - 1;
        const fields: Record<string, string> = {};
        for (const field of rest) {
          const eq = field.indexOf('=');
          fields[eq < 0 ? field : field.slice(0, eq)] = eq < 0 ? '' : field.slice(eq + 1);
        }
        if (replies[index] === undefined) answered++;
        replies[index] = { ok: verb === 'OK', fields };
      }
      if (answered === requests.length) {
        clearTimeout(timer);
        socket.end();
        resolve(replies as AuthReply[]);
      } else {
        send();
      }
    });
  });
}
