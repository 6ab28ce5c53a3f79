/**
 * A minimal ManageSieve client (RFC 5804) for the tests, sharing no code with casctl: the
 * capability lines up to the greeting's `OK`, `AUTHENTICATE "PLAIN"` with its initial response,
 * then LOGOUT, or NOOP while a session stays open. Plain TCP on 127.0.0.1; every step times out.
 */
import { LineConnection, type LoginResult, type MailSession } from './mail-login.js';

const DEFAULT_TIMEOUT_MS = 5000;

/** A response ends a command: OK, NO or BYE (RFC 5804 §1.3), then an optional code and text. */
const isResponse = (line: string): boolean => /^(OK|NO|BYE)\b/.test(line);

async function untilResponse(connection: LineConnection): Promise<string> {
  for (;;) {
    const line = await connection.next();
    if (isResponse(line)) return line;
  }
}

/** `"..."` with `\` and `"` escaped, as RFC 5804 quoted strings are. */
const quoted = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

async function sieveSession(port: number, user: string, password: string, timeoutMs: number): Promise<{ connection: LineConnection; result: LoginResult }> {
  const connection = await LineConnection.open(port, timeoutMs);
  try {
    const greeting = await untilResponse(connection);
    if (!greeting.startsWith('OK')) return { connection, result: { ok: false, response: greeting } };
    const plain = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
    connection.send(`AUTHENTICATE ${quoted('PLAIN')} ${quoted(plain)}`);
    const answer = await untilResponse(connection);
    return { connection, result: { ok: answer.startsWith('OK'), response: answer } };
  } catch (error) {
    connection.close();
    throw error;
  }
}

/** Logs in with SASL PLAIN, then LOGOUT. */
export async function sieveLogin(port: number, user: string, password: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LoginResult> {
  const { connection, result } = await sieveSession(port, user, password, timeoutMs);
  try {
    if (result.ok && !connection.closed) {
      connection.send('LOGOUT');
      await untilResponse(connection).catch(() => undefined);
    }
  } finally {
    connection.close();
  }
  return result;
}

/** Logs in and stays connected; rejects when the login is refused. */
export async function openSieveSession(port: number, user: string, password: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<MailSession> {
  const { connection, result } = await sieveSession(port, user, password, timeoutMs);
  if (!result.ok) {
    connection.close();
    throw new Error(`ManageSieve login as ${user} refused: ${result.response}`);
  }
  return {
    async alive() {
      if (connection.closed) return false;
      connection.send('NOOP');
      try {
        return (await untilResponse(connection)).startsWith('OK');
      } catch {
        return false;
      }
    },
    async close() {
      if (!connection.closed) {
        connection.send('LOGOUT');
        await untilResponse(connection).catch(() => undefined);
      }
      connection.close();
    },
  };
}
