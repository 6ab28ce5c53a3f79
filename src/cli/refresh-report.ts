import type { Writable } from 'node:stream';
import type { Messages } from '../output/messages.js';
import { Progress } from '../output/progress.js';
import type { RefreshProgress, RefreshResult } from '../services/run-refresh.js';
import type { ServerRefresh } from '../services/service-control.js';
import type { Service } from '../services/services.js';

/** A progress bar for a long refresh, on a terminal only (src/output/progress.ts). */
export function refreshProgress(stderr: Writable & { isTTY?: boolean }): RefreshProgress {
  let bar: Progress | undefined;
  return {
    start: (total) => {
      bar = new Progress(stderr);
      bar.phase('Refreshing', 'steps', total);
    },
    tick: (count) => bar?.tick(count),
    stop: () => bar?.stop(),
  };
}

/** What a refresh did, a line per mail server, and a warning for any session it had to leave open. */
export function reportRefresh(messages: Messages, verb: string, services: readonly Service[], refreshes: readonly ServerRefresh[]): void {
  for (const { server, result } of refreshes) reportServer(messages, verb, services, server, result);
}

function reportServer(messages: Messages, verb: string, services: readonly Service[], server: string | null, result: RefreshResult): void {
  const flushed = result.flushedLogins === null ? "the whole login cache flushed" : `${result.flushedLogins} logins flushed`;
  const kicked = result.kickedMailboxes > 0 ? `, ${result.kickedMailboxes} mailboxes' sessions ended by the kick command` : '';
  messages.info(
    `${verb} ${services.map((s) => s.Name).join(', ')}${server === null ? '' : ` on ${server}`}: ${result.mailboxes} mailboxes, ${flushed}, ${result.sessionsEnded} sessions ended${kicked}.`,
  );
  if (result.unsafeNames.length > 0) {
    const sample = result.unsafeNames.slice(0, 5).map((name) => JSON.stringify(name)).join(', ');
    messages.warning(
      `${result.unsafeNames.length} login names could be read by doveadm as an option or a wildcard (${sample}${result.unsafeNames.length > 5 ? ', ...' : ''}): ` +
        'they were never passed to it; the whole login cache was flushed instead, and their sessions are ended only by protocol (who and kill).',
    );
  }
  if (result.sessionsLeftOpen.length > 0) {
    const sample = result.sessionsLeftOpen.slice(0, 5).map((s) => `${s.user} (${s.service}, pid ${s.pid})`).join(', ');
    const more = result.sessionsLeftOpen.length > 5 ? ` and ${result.sessionsLeftOpen.length - 5} more` : '';
    messages.warning(
      `${result.sessionsLeftOpen.length} sessions that lost access are still open: ${sample}${more}. Their processes also serve other sessions ` +
        '(client_limit above 1), so casctl did not end them; they can no longer log in again. Restart the service to end them now.',
    );
  }
}
