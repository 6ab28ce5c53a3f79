import { isIP } from 'node:net';
import { describeConnectionError, elapsed, LOGIN_REFUSED, redact, TIMED_OUT, type LoginOutcome, type LoginTarget } from './login-result.js';

/** What imapflow logs: `src` 's' is a line the server sent, 'c' one the client sent (credentials masked). */
interface LogEntry {
  src?: unknown;
  msg?: unknown;
}

/**
 * An IMAP login test with imapflow: connect (implicit TLS with `tls`, else STARTTLS when the server
 * offers it), log in, log out. The server's lines are taken from imapflow's debug log, so the
 * report can show the server's own answer to the login.
 */
export async function testImapLogin(target: LoginTarget): Promise<LoginOutcome> {
  const { ImapFlow } = await import('imapflow');
  const start = performance.now();

  let authTag: string | undefined;
  let authAnswer: string | undefined;
  let authLatency: number | undefined;
  let lastServerLine: string | null = null;
  const record = (entry: LogEntry): void => {
    if (typeof entry.msg !== 'string') return;
    if (entry.src === 'c') {
      const command = /^(\S+) (LOGIN|AUTHENTICATE)\b/i.exec(entry.msg);
      if (command !== null) authTag = command[1];
    } else if (entry.src === 's') {
      lastServerLine = entry.msg;
      if (authTag !== undefined && authAnswer === undefined && entry.msg.startsWith(`${authTag} `)) {
        authAnswer = entry.msg.slice(authTag.length + 1);
        authLatency = elapsed(start);
      }
    }
  };
  const quiet = (): void => undefined;

  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.tls,
    ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
    auth: { user: target.user, pass: target.password },
    verifyOnly: true,
    disableAutoIdle: true,
    connectionTimeout: target.timeoutMs,
    greetingTimeout: target.timeoutMs,
    socketTimeout: target.timeoutMs,
    logger: { debug: record, trace: quiet, info: quiet, warn: quiet, error: quiet, fatal: quiet },
    // ID is informational; no client details are needed for a login test.
    clientInfo: { name: 'casctl' },
  });
  // An 'error' event without a listener would throw out of the event loop.
  client.on('error', () => undefined);

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), target.timeoutMs);
  });
  const response = (): string | null => {
    const line = authAnswer ?? lastServerLine;
    return line === null ? null : redact(tidy(line), target.password);
  };
  try {
    const result = await Promise.race([client.connect().then(() => 'done' as const), deadline]);
    if (result === 'timeout') {
      // Like POP3's QUIT: once the login was answered OK, a slow logout does not fail the test.
      if (authAnswer !== undefined && /^OK\b/i.test(authAnswer)) {
        return { ok: true, response: response(), error: null, latencyMs: authLatency ?? elapsed(start) };
      }
      return { ok: false, response: response(), error: TIMED_OUT, latencyMs: elapsed(start) };
    }
    return { ok: true, response: response(), error: null, latencyMs: authLatency ?? elapsed(start) };
  } catch (error) {
    // Refused means the server answered the login NO or BAD; imapflow also flags a connection
    // lost before any answer as authenticationFailed, which is not a refusal.
    const answer = authAnswer ?? serverAnswer(error);
    const refused = answer !== null && /^(NO|BAD)\b/i.test(answer);
    return {
      ok: false,
      response: authAnswer !== undefined ? response() : answer !== null ? redact(answer, target.password) : response(),
      error: refused ? LOGIN_REFUSED : describeConnectionError(error, target.password),
      latencyMs: authLatency ?? elapsed(start),
    };
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

/** `NO [CODE] text` from imapflow's error, when its log did not show the line. */
function serverAnswer(error: unknown): string | null {
  const { responseStatus, serverResponseCode, responseText } = error as Record<string, unknown>;
  if (typeof responseStatus !== 'string') return null;
  const code = typeof serverResponseCode === 'string' ? ` [${serverResponseCode}]` : '';
  const text = typeof responseText === 'string' && responseText !== '' ? ` ${responseText}` : '';
  return `${responseStatus}${code}${text}`;
}

/** Drops the capability list a successful login carries (`OK [CAPABILITY IMAP4rev1 ...] Logged in`): noise in a report. */
function tidy(line: string): string {
  return line.replace(/\[CAPABILITY [^\]]*\] ?/i, '').trim();
}
