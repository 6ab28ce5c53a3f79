/** What a connectivity test needs and what it finds: shared by the IMAP and POP3 clients. */

export type MailProtocol = 'IMAP4' | 'POP3';

export interface LoginTarget {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (993, 995). */
  tls: boolean;
  /** The login name exactly as it is sent. */
  user: string;
  password: string;
  /** For the whole test: connect, greeting, login and logout. */
  timeoutMs: number;
}

export interface LoginOutcome {
  ok: boolean;
  /** The server's last relevant line (its answer to the login, or the last line it sent); null when it sent none. */
  response: string | null;
  /** Null on success; else a short reason: "login refused", "connection refused", "timed out", ... */
  error: string | null;
  /** Milliseconds from the start of the connection to the server's answer to the login (or to the failure). */
  latencyMs: number;
}

export const LOGIN_REFUSED = 'login refused';
export const TIMED_OUT = 'timed out';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ETIMEDOUT: TIMED_OUT,
  ETIMEOUT: TIMED_OUT,
  CONNECT_TIMEOUT: TIMED_OUT,
  GREETING_TIMEOUT: TIMED_OUT,
  UPGRADE_TIMEOUT: TIMED_OUT,
  NoConnection: 'connection closed by the server',
  EConnectionClosed: 'connection closed by the server',
  ClosedAfterConnectText: 'connection closed by the server',
  ClosedAfterConnectTLS: 'connection closed by the server during the TLS handshake',
};

/** A short, password-free reason for a failed connection (node, TLS or imapflow errors). */
export function describeConnectionError(error: unknown, password: string): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = (typeof message === 'string' ? message : String(error)).trim();
  if (/wrong version number|ssl3_get_record|packet length too long|unknown protocol/i.test(text)) {
    return 'TLS handshake failed (does the port speak TLS from the start?)';
  }
  if (/^(Already logged out|Connection not available|Unexpected close|Socket closed)/i.test(text)) return 'connection closed by the server';
  if (typeof code === 'string') {
    const reason = REASONS[code];
    if (reason !== undefined) return reason;
    if (/^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|UNABLE_TO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code) || /SSL|TLS/.test(code)) {
      return redact(`TLS: ${text}`, password);
    }
  }
  return redact(text.length > 200 ? `${text.slice(0, 197)}...` : text, password);
}

/** Removes the password from a text that will be shown; a guard, servers do not echo it. */
export function redact(text: string, password: string): string {
  return password === '' ? text : text.split(password).join('********');
}

/** Milliseconds since `start` (a performance.now() value), as an integer. */
export function elapsed(start: number): number {
  return Math.max(0, Math.round(performance.now() - start));
}
