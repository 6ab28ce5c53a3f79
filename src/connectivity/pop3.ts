import { isIP, type Socket } from 'node:net';
import { describeConnectionError, elapsed, LOGIN_REFUSED, redact, TIMED_OUT, type LoginOutcome, type LoginTarget } from './login-result.js';

/**
 * A POP3 login test (RFC 1939): greeting, USER, PASS, QUIT, over TCP or implicit TLS.
 * Only single-line replies are read: nothing here asks for a multi-line one.
 */
export async function testPop3Login(target: LoginTarget): Promise<LoginOutcome> {
  const start = performance.now();
  let lastLine: string | null = null;
  const failure = (error: string, response: string | null = lastLine): LoginOutcome => ({
    ok: false,
    response: response === null ? null : redact(response, target.password),
    error,
    latencyMs: elapsed(start),
  });
  if (/[\r\n\0]/.test(target.user) || /[\r\n\0]/.test(target.password)) {
    return failure('the login name or the password contains a line break or NUL, which POP3 cannot send');
  }

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), target.timeoutMs);
  });
  deadline.catch(() => undefined);
  const connection = await Pop3Connection.open(target);
  const reply = async (): Promise<string> => {
    lastLine = await Promise.race([connection.readLine(), deadline]);
    return lastLine;
  };
  try {
    await Promise.race([connection.ready, deadline]);
    const greeting = await reply();
    if (!isOk(greeting)) return failure('the server refused the connection', greeting);
    connection.send(`USER ${target.user}`);
    const userReply = await reply();
    if (!isOk(userReply)) return failure(LOGIN_REFUSED, userReply);
    connection.send(`PASS ${target.password}`);
    const passReply = await reply();
    const latencyMs = elapsed(start);
    if (!isOk(passReply)) return failure(LOGIN_REFUSED, passReply);
    // Log out politely, but the test has its answer: a slow or missing "+OK" to QUIT does not fail it.
    connection.send('QUIT');
    const grace = new Promise((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([connection.readLine(), deadline, grace]).catch(() => undefined);
    return { ok: true, response: redact(passReply, target.password), error: null, latencyMs };
  } catch (error) {
    if (error instanceof DeadlineError) return failure(TIMED_OUT);
    return failure(describeConnectionError(error, target.password));
  } finally {
    clearTimeout(timer);
    connection.close();
  }
}

const isOk = (line: string): boolean => line.startsWith('+OK');

class DeadlineError extends Error {}

class ConnectionClosedError extends Error {
  readonly code = 'EConnectionClosed';
}

/** A socket read line by line (CRLF or LF). */
class Pop3Connection {
  private buffer = '';
  private readonly lines: string[] = [];
  private failure: Error | undefined;
  private waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;

  private constructor(
    private readonly socket: Socket,
    /** Resolves when connected (and, with TLS, after the handshake); rejects on a connection error. */
    readonly ready: Promise<void>,
  ) {
    ready.catch(() => undefined);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, end).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(end + 1);
      }
      this.settle();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('end', () => this.fail(new ConnectionClosedError('connection closed by the server')));
    socket.on('close', () => this.fail(new ConnectionClosedError('connection closed by the server')));
  }

  static async open(target: LoginTarget): Promise<Pop3Connection> {
    const { socket, ready } = await connect(target);
    return new Pop3Connection(socket, ready);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle();
  }

  private settle(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const line = this.lines.shift();
    if (line !== undefined) {
      this.waiter = undefined;
      waiter.resolve(line);
    } else if (this.failure !== undefined) {
      this.waiter = undefined;
      waiter.reject(this.failure);
    }
  }

  readLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.settle();
    });
  }

  send(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`, 'utf8');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Starts connecting; `ready` settles once connected (and, with TLS, after the handshake). */
async function connect(target: LoginTarget): Promise<{ socket: Socket; ready: Promise<void> }> {
  let socket: Socket;
  let event: string;
  if (target.tls) {
    const tls = await import('node:tls');
    // SNI takes a host name, never an IP address.
    socket = tls.connect({ host: target.host, port: target.port, ...(isIP(target.host) === 0 ? { servername: target.host } : {}) });
    event = 'secureConnect';
  } else {
    const net = await import('node:net');
    socket = net.connect({ host: target.host, port: target.port });
    event = 'connect';
  }
  const ready = new Promise<void>((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', reject);
    socket.once('close', () => reject(new ConnectionClosedError('connection closed by the server')));
  });
  return { socket, ready };
}
