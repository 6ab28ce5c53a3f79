import type { Readable, Writable } from 'node:stream';
import { ExitCode, UsageError } from '../core/errors.js';
import { useColour } from '../output/colour.js';
import type { Terminal } from '../output/prompt-terminal.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, render, type View } from '../output/formats.js';
import type { OutputRecord } from '../output/values.js';
import type { LoginOutcome, LoginTarget, MailProtocol } from './login-result.js';
import { resolvePassword } from './password.js';

/** The options test-imapconnectivity and test-popconnectivity share (commander's camelCase names). */
export interface ConnectivityOptions {
  identity?: string;
  server?: string;
  port?: string;
  tls?: boolean;
  timeout?: string;
  passwordFile?: string;
  output: string;
  property?: string[];
  /** `--csv-raw`: csv without formula neutralisation. */
  csvRaw?: boolean;
}

/** What a connectivity test reads and writes: stdin (`--password-file -`), the password prompt's terminal, the result's stream, the environment. */
export interface ConnectivityStreams {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  terminal: Terminal;
}

/** Test-ImapConnectivity / Test-PopConnectivity's result object. */
export interface ConnectivityResult extends OutputRecord {
  Protocol: MailProtocol;
  Server: string;
  Port: number;
  Mailbox: string;
  Result: 'Success' | 'Failure';
  Response: string | null;
  Latency: number;
  Error: string | null;
}

export const CONNECTIVITY_VIEW: View = {
  properties: ['Protocol', 'Server', 'Port', 'Mailbox', 'Result', 'Response', 'Latency', 'Error'],
  defaults: ['Protocol', 'Server', 'Port', 'Mailbox', 'Result', 'Response', 'Latency', 'Error'],
  table: ['Protocol', 'Server', 'Port', 'Mailbox', 'Result', 'Latency', 'Response', 'Error'],
  id: 'Mailbox',
};

const PORTS: Record<MailProtocol, { plain: number; tls: number }> = {
  IMAP4: { plain: 143, tls: 993 },
  POP3: { plain: 110, tls: 995 },
};

const DEFAULT_TIMEOUT_SECONDS = 10;

export interface ConnectivityPlan {
  protocol: MailProtocol;
  host: string;
  port: number;
  tls: boolean;
  user: string;
  timeoutMs: number;
}

/** Options → what to test; pure, so it is tested without a server. */
export function planConnectivityTest(protocol: MailProtocol, options: ConnectivityOptions, args: readonly string[]): ConnectivityPlan {
  const given = [...args, ...(options.identity === undefined ? [] : [options.identity])].map((i) => i.trim());
  const unique = [...new Set(given.map((i) => i.toLowerCase()))];
  if (unique.length === 0) throw new UsageError('Name the mailbox to log in as: its email address, as a positional argument or --identity.');
  if (unique.length > 1) throw new UsageError(`One mailbox at a time: got ${given.map((i) => `'${i}'`).join(', ')}.`);
  const user = unique[0] ?? '';
  if (user === '' || /[\s\p{Cc}]/u.test(user)) throw new UsageError(`'${given[0] ?? ''}' is not a login name: no spaces or control characters.`);

  const host = (options.server ?? '127.0.0.1').trim();
  if (host === '' || /[\s\p{Cc}/]/u.test(host)) throw new UsageError(`--server '${options.server ?? ''}' is not a host name or address.`);

  const tls = options.tls === true;
  let port = tls ? PORTS[protocol].tls : PORTS[protocol].plain;
  if (options.port !== undefined) {
    const text = options.port.trim();
    port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(port >= 1 && port <= 65535)) throw new UsageError(`--port '${options.port}' is not a port number (1-65535).`);
  }

  let seconds = DEFAULT_TIMEOUT_SECONDS;
  if (options.timeout !== undefined) {
    const text = options.timeout.trim();
    seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!(seconds > 0 && seconds <= 3600)) throw new UsageError(`--timeout '${options.timeout}' is not a number of seconds (above 0, at most 3600).`);
  }
  return { protocol, host, port, tls, user, timeoutMs: Math.round(seconds * 1000) };
}

export function toResult(plan: ConnectivityPlan, outcome: LoginOutcome): ConnectivityResult {
  return {
    Protocol: plan.protocol,
    Server: plan.host,
    Port: plan.port,
    Mailbox: plan.user,
    Result: outcome.ok ? 'Success' : 'Failure',
    Response: outcome.response,
    Latency: outcome.latencyMs,
    Error: outcome.error,
  };
}

/** options → password → log in → render; 0 on Success, 1 on Failure. */
export async function runConnectivityTest(
  context: ConnectivityStreams,
  protocol: MailProtocol,
  options: ConnectivityOptions,
  args: readonly string[],
  login: (target: LoginTarget) => Promise<LoginOutcome>,
): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const properties = chooseProperties(CONNECTIVITY_VIEW, format, options.property);
  const plan = planConnectivityTest(protocol, options, args);
  const password = await resolvePassword({
    passwordFile: options.passwordFile,
    env: context.env,
    stdin: context.stdin,
    terminal: context.terminal,
    user: plan.user,
  });
  const outcome = await login({ host: plan.host, port: plan.port, tls: plan.tls, user: plan.user, password, timeoutMs: plan.timeoutMs });
  const result = toResult(plan, outcome);
  await render([result], context.stdout, { format, view: CONNECTIVITY_VIEW, properties, colour: useColour(context.stdout, context.env), csvRaw: options.csvRaw });
  return outcome.ok ? ExitCode.Ok : ExitCode.PartialFailure;
}
