/**
 * Minimal raw-socket IMAP and POP3 logins for the tests: an independent client (shares no code
 * with casctl's), so end-to-end tests check casctl against something other than itself.
 * Plain TCP on 127.0.0.1 only (from any local address: all of 127/8 is local, so a client bound
 * to 127.0.0.2 stands for another host, the webmail); every step has a timeout.
 */
import { createConnection, type Socket } from 'node:net';

export interface LoginResult {
  ok: boolean;
  /** The server's answer to the login (IMAP: the tagged line without its tag; POP3: the PASS reply or the first -ERR). */
  response: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

export interface ImapLoginOptions {
  timeoutMs?: number;
  /** The address the client connects from (the server sees it as the remote address); default: the system's choice. */
  localAddress?: string;
}

/** A line-reading connection: `next()` resolves with the next line, rejects on close or timeout. */
export class LineConnection {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private ended: Error | undefined;
  private lastLine: string | undefined;

  private constructor(
    readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n')) >= 0) {
        this.lastLine = this.buffer.slice(0, end).replace(/\r$/, '');
        this.lines.push(this.lastLine);
        this.buffer = this.buffer.slice(end + 1);
      }
      this.deliver();
    });
    const finish = (error: Error): void => {
      this.ended ??= error;
      this.deliver();
    };
    socket.on('error', (error) => finish(error));
    // What the server said last tells why it hung up (a BYE with the reason, as a rule).
    const closed = (): Error => new Error(`connection closed by the server${this.lastLine === undefined ? '' : ` after: ${this.lastLine}`}`);
    socket.on('close', () => finish(closed()));
    socket.on('end', () => finish(closed()));
  }

  /** `localAddress`: the client's address (any 127.x.y.z on Linux), for server rules by remote IP. */
  static open(port: number, timeoutMs: number, host = '127.0.0.1', localAddress?: string): Promise<LineConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port, ...(localAddress === undefined ? {} : { localAddress }) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new LineConnection(socket, timeoutMs));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  private deliver(): void {
    const waiter = this.waiting;
    if (waiter === undefined) return;
    const line = this.lines.shift();
    if (line !== undefined) {
      this.waiting = undefined;
      waiter.resolve(line);
    } else if (this.ended !== undefined) {
      this.waiting = undefined;
      waiter.reject(this.ended);
    }
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting = {
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.deliver();
    });
  }

  /** Reads lines until one starts with `tag ` (IMAP's tagged completion); returns it. */
  async untilTagged(tag: string): Promise<string> {
    for (;;) {
      const line = await this.next();
      if (line.startsWith(`${tag} `)) return line;
    }
  }

  send(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`, 'utf8');
  }

  get closed(): boolean {
    return this.ended !== undefined || this.socket.destroyed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** IMAP quoted string (RFC 3501): backslash-escape `\` and `"`. */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

const untag = (line: string, tag: string): string => (line.startsWith(`${tag} `) ? line.slice(tag.length + 1) : line);

async function imapSession(port: number, user: string, password: string, options: ImapLoginOptions): Promise<{ connection: LineConnection; result: LoginResult }> {
  const connection = await LineConnection.open(port, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, '127.0.0.1', options.localAddress);
  try {
    const greeting = await connection.next();
    if (!greeting.startsWith('* OK')) return { connection, result: { ok: false, response: greeting } };
    connection.send(`a1 LOGIN ${quoted(user)} ${quoted(password)}`);
    const answer = untag(await connection.untilTagged('a1'), 'a1');
    return { connection, result: { ok: answer.startsWith('OK'), response: answer } };
  } catch (error) {
    connection.close();
    throw error;
  }
}

/** IMAP LOGIN "user" "password", then LOGOUT. */
export async function imapLogin(port: number, user: string, password: string, options: ImapLoginOptions = {}): Promise<LoginResult> {
  const { connection, result } = await imapSession(port, user, password, options);
  try {
    if (!connection.closed) {
      connection.send('a2 LOGOUT');
      await connection.untilTagged('a2').catch(() => undefined);
    }
  } finally {
    connection.close();
  }
  return result;
}

/** POP3 USER / PASS, then QUIT; from `localAddress` when given (any 127.x.y.z). */
export async function pop3Login(port: number, user: string, password: string, timeoutMs = DEFAULT_TIMEOUT_MS, localAddress?: string): Promise<LoginResult> {
  const connection = await LineConnection.open(port, timeoutMs, '127.0.0.1', localAddress);
  try {
    const greeting = await connection.next();
    if (!greeting.startsWith('+OK')) return { ok: false, response: greeting };
    connection.send(`USER ${user}`);
    const userReply = await connection.next();
    if (!userReply.startsWith('+OK')) return { ok: false, response: userReply };
    connection.send(`PASS ${password}`);
    const passReply = await connection.next();
    if (!connection.closed) {
      connection.send('QUIT');
      await connection.next().catch(() => undefined);
    }
    return { ok: passReply.startsWith('+OK'), response: passReply };
  } finally {
    connection.close();
  }
}

export interface ImapSession {
  /** Sends NOOP: true when the server still answers OK; false once it has closed the connection (or answers otherwise). */
  alive(): Promise<boolean>;
  /** LOGOUT (when still connected) and close. */
  close(): Promise<void>;
}

/** Logs in over IMAP and stays connected; rejects when the login is refused. */
export async function openImapSession(port: number, user: string, password: string, options: ImapLoginOptions = {}): Promise<ImapSession> {
  const { connection, result } = await imapSession(port, user, password, options);
  if (!result.ok) {
    connection.close();
    throw new Error(`IMAP login as ${user} refused: ${result.response}`);
  }
  let tag = 1;
  return {
    async alive() {
      if (connection.closed) return false;
      const t = `n${++tag}`;
      connection.send(`${t} NOOP`);
      try {
        return untag(await connection.untilTagged(t), t).startsWith('OK');
      } catch {
        return false;
      }
    },
    async close() {
      if (!connection.closed) {
        const t = `q${++tag}`;
        connection.send(`${t} LOGOUT`);
        await connection.untilTagged(t).catch(() => undefined);
      }
      connection.close();
    },
  };
}

/** A mail session left open: `alive()` asks the server (NOOP) whether it still serves it. */
export type MailSession = ImapSession;

/** Logs in over POP3 and stays connected; rejects when the login is refused. */
export async function openPop3Session(port: number, user: string, password: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<MailSession> {
  const connection = await LineConnection.open(port, timeoutMs);
  const greeting = await connection.next();
  connection.send(`USER ${user}`);
  const userReply = await connection.next();
  connection.send(`PASS ${password}`);
  const passReply = await connection.next();
  if (!greeting.startsWith('+OK') || !userReply.startsWith('+OK') || !passReply.startsWith('+OK')) {
    connection.close();
    throw new Error(`POP3 login as ${user} refused: ${passReply}`);
  }
  return {
    async alive() {
      if (connection.closed) return false;
      connection.send('NOOP');
      try {
        return (await connection.next()).startsWith('+OK');
      } catch {
        return false;
      }
    },
    async close() {
      if (!connection.closed) {
        connection.send('QUIT');
        await connection.next().catch(() => undefined);
      }
      connection.close();
    },
  };
}
