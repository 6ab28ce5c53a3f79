import { forEachConcurrently } from '../core/concurrency.js';
import { ServiceError } from '../core/errors.js';
import { killCalls, type FlushCall, type KickCall, type RefreshPlan, type SessionEnding } from './refresh-plan.js';
import { failureMessage, showCommand, type CommandResult, type CommandRunner } from './run-command.js';
import { mustEnd, parseWho, sessionTargets, type Session } from './sessions.js';

/** Counts a long refresh's steps, for a progress bar on a terminal. */
export interface RefreshProgress {
  start(total: number): void;
  tick(count: number): void;
  stop(): void;
}

export interface RefreshResult {
  /** Distinct mailboxes whose pending changes were made effective. */
  mailboxes: number;
  /** Login names flushed from Dovecot's cache; null when the whole cache was flushed at once. */
  flushedLogins: number | null;
  /** Open sessions ended because their protocol was disabled. */
  sessionsEnded: number;
  /** Mailboxes handed to a configured per-mailbox kick command (which ends all their sessions). */
  kickedMailboxes: number;
  /** Sessions that lost access but share a process with other users' sessions: left open. */
  sessionsLeftOpen: Session[];
  /** Login names doveadm could read as an option or a mask: never passed to it (the whole cache was flushed instead). */
  unsafeNames: string[];
}

/** How a refresh reaches Dovecot: the runner it was given, and how long each command may take. */
export interface RefreshRunner {
  run: CommandRunner;
  timeoutMs: number;
}

/** doveadm kick's exit code when the user had no session: nothing to end is not a failure. */
export const KICK_NOTHING = 68;
/** Calls in flight at once against one Dovecot: enough to hide each call's start-up, few enough not to crowd it. */
const CONCURRENCY = 4;
/** How long ended sessions get to disappear from `doveadm who` before they are reported as still open. */
const SESSION_END_WAIT_MS = 3000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a refresh plan: the flushes, then the session endings, then the kicks. A failed step is a
 * ServiceError that names the services still pending (their marks are recorded only when every
 * step worked).
 */
export async function runRefresh(plan: RefreshPlan, runner: RefreshRunner, progress?: RefreshProgress): Promise<RefreshResult> {
  const exec = (argv: readonly string[]): Promise<CommandResult> => runner.run(argv, runner.timeoutMs);
  const result: RefreshResult = { mailboxes: plan.mailboxes, flushedLogins: plan.flushedLogins, sessionsEnded: 0, kickedMailboxes: 0, sessionsLeftOpen: [], unsafeNames: plan.unsafeNames };
  try {
    progress?.start(plan.flushes.reduce((n, calls) => n + calls.length, 0) + plan.kicks.length + plan.endings.length);
    for (const calls of plan.flushes) {
      await forEachConcurrently(calls, CONCURRENCY, async (call) => {
        checkFlush(call, await exec(call.argv));
        progress?.tick(1);
      });
    }
    for (const ending of plan.endings) {
      const ended = await endSessions(exec, ending);
      result.sessionsEnded += ended.ended;
      result.sessionsLeftOpen.push(...ended.leftOpen);
      progress?.tick(1);
    }
    await forEachConcurrently(plan.kicks, CONCURRENCY, async (call) => {
      checkKick(call, await exec(call.argv));
      progress?.tick(1);
    });
    result.kickedMailboxes = plan.kicks.length;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const names = plan.marks.map((m) => m.service);
    throw new ServiceError(`${error.message}\nStill pending on ${names.join(', ')}: once Dovecot answers, run 'casctl refresh-service ${names.join(' ')}'.`);
  } finally {
    progress?.stop();
  }
  return result;
}

/** `doveadm auth cache flush` exits 0 even when it failed: its output says whether it worked. */
function checkFlush(call: FlushCall, result: CommandResult): void {
  const output = `${result.stdout}\n${result.stderr}`;
  const isDoveadm = call.template.some((a) => /(^|\/)doveadm$/.test(a));
  const shown = shortened(call.template, '{users}', call.names);
  if (result.exitCode !== 0) throw new ServiceError(`Flushing the login cache failed: ${failureMessage(call.template, result, shown)}`);
  if (/\b(Error|Fatal|Panic):/.test(output) || (isDoveadm && !/cache entries flushed/.test(output))) {
    const said = output.split('\n').filter((line) => line.trim() !== '').slice(-5).join('\n  ');
    throw new ServiceError(`Flushing the login cache failed: ${shown} exited 0 but said:\n  ${said}`);
  }
}

function checkKick(call: KickCall, result: CommandResult): void {
  if (result.exitCode !== 0 && result.exitCode !== KICK_NOTHING) {
    throw new ServiceError(`Ending the sessions of ${call.user} failed: ${failureMessage(call.argv, result)}`);
  }
}

type Exec = (argv: readonly string[]) => Promise<CommandResult>;

/** Lists the open sessions, signals the processes that serve only lost ones, and counts what really ended. */
async function endSessions(exec: Exec, { who, kill, lost }: SessionEnding): Promise<{ ended: number; leftOpen: Session[] }> {
  const targets = sessionTargets(await listSessions(exec, who), lost);
  for (const call of killCalls(kill, targets.pids)) {
    const result = await exec(call.argv);
    // A process that ended by itself meanwhile makes kill fail for that pid only: the who below counts what ended.
    if (result.exitCode !== 0 && !/no such process/i.test(result.stderr)) {
      throw new ServiceError(`Ending the sessions that lost access failed: ${failureMessage(kill, result, shortened(kill, '{pids}', call.pids))}`);
    }
  }
  if (targets.pids.length === 0) return { ended: 0, leftOpen: targets.shared };
  const signalled = new Set(targets.pids);
  let remaining: Session[] = [];
  const deadline = Date.now() + SESSION_END_WAIT_MS;
  do {
    remaining = (await listSessions(exec, who)).filter((s) => signalled.has(s.pid) && mustEnd(s, lost));
    if (remaining.length === 0) break;
    await sleep(100);
  } while (Date.now() < deadline);
  return { ended: targets.sessions - remaining.length, leftOpen: [...targets.shared, ...remaining] };
}

async function listSessions(exec: Exec, argv: readonly string[]): Promise<Session[]> {
  const result = await exec(argv);
  if (result.exitCode !== 0) throw new ServiceError(`Listing the open sessions failed: ${failureMessage(argv, result)}`);
  try {
    return parseWho(result.stdout);
  } catch (error) {
    throw new ServiceError(`Listing the open sessions failed: '${showCommand(argv)}': ${(error as Error).message}`);
  }
}

/** The command as a message shows it: a long list of names is counted, not dumped. */
function shortened(argv: readonly string[], placeholder: string, values: readonly string[]): string {
  const shown = values.length <= 3 ? values : values.slice(0, 2);
  const command = showCommand(argv.flatMap((arg) => (arg === placeholder ? shown : [arg])));
  return `'${command}'${values.length > shown.length ? ` (and ${values.length - shown.length} more)` : ''}`;
}
