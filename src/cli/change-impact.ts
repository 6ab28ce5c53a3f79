import { DEFAULT_ACTIVE_DAYS, measureImpact, type ChangeImpact, type LosingAccess } from '../core/change-impact.js';
import { counted } from '../core/counted.js';
import { recordedProtocols } from '../core/last-logons.js';
import type { ProgressSink } from '../core/progress-sink.js';
import { PROTOCOLS, protocolList, type CasSettingName } from '../core/protocols.js';
import { StoreError, UsageError } from '../core/errors.js';
import { impactLines } from '../output/change-impact.js';
import type { Messages } from '../output/messages.js';
import type { CommandContext } from './context.js';
import { NOT_RECORDED, openLastLogons } from './last-logons.js';
import type { GlobalOptions } from './open.js';

/** `--active-days` and `--max-active`, as typed. */
export interface ImpactOptions {
  activeDays?: string;
  maxActive?: string;
}

/** What they say: how far back a login is recent use, and how many recent users a change may cut off. */
export interface ImpactLimits {
  activeDays: number;
  /** Undefined: no limit. */
  maxActive: number | undefined;
}

/** A century: a window reaching further back than any login is a typo, and past the dates JavaScript can hold. */
const MAX_ACTIVE_DAYS = 36_500;

function wholeNumber(text: string, option: string, range: { least: number; most: number }): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < range.least || Number(trimmed) > range.most) {
    const bounds = Number.isFinite(range.most) ? ` from ${range.least} to ${range.most}` : '';
    throw new UsageError(`${option} must be a whole number${bounds}, not '${text}'; nothing was changed.`);
  }
  return Number(trimmed);
}

/** Checked before the plan is made, so a typo does not cost a long plan. */
export function impactLimits(options: ImpactOptions): ImpactLimits {
  return {
    activeDays: options.activeDays === undefined ? DEFAULT_ACTIVE_DAYS : wholeNumber(options.activeDays, '--active-days', { least: 1, most: MAX_ACTIVE_DAYS }),
    maxActive: options.maxActive === undefined ? undefined : wholeNumber(options.maxActive, '--max-active', { least: 0, most: Number.POSITIVE_INFINITY }),
  };
}

/** The planned change's impact, reading the recorded logins only when it turns a recorded protocol off for some mailbox. */
export async function planImpact(context: CommandContext, options: GlobalOptions, losing: LosingAccess, limits: ImpactLimits, progress?: ProgressSink): Promise<ChangeImpact | null> {
  if (losing.size === 0) return null;
  const source = await openLastLogons(context, options);
  try {
    return await measureImpact(losing, source, { now: context.now(), activeDays: limits.activeDays }, progress);
  } finally {
    await source?.close();
  }
}

/** The impact in words, as the prompt and the messages show it. */
export const describeImpact = (impact: ChangeImpact): string[] => impactLines(impact, NOT_RECORDED);

/** The impact on stderr: a warning where someone active (or nobody knows who) would lose access. */
export function reportImpact(messages: Messages, impact: ChangeImpact | null): void {
  if (impact === null) return;
  const say = impact.activeMailboxes === 0 ? messages.info.bind(messages) : messages.warning.bind(messages);
  for (const line of describeImpact(impact)) say(line);
}

/**
 * `--max-active N`: refuses a change that would cut off more than N mailboxes active in the
 * window (exit 2), and one whose impact cannot be counted (exit 3): a limit nobody can check
 * never passes. Nothing is written either way.
 */
export function enforceMaxActive(impact: ChangeImpact | null, limits: ImpactLimits): void {
  const limit = limits.maxActive;
  if (limit === undefined || impact === null) return;
  if (impact.activeMailboxes === null) {
    throw new StoreError(`--max-active ${limit} cannot be checked: ${NOT_RECORDED} Nothing was changed.`);
  }
  if (impact.activeMailboxes <= limit) return;
  const losing = counted(impact.losingAccess, 'mailbox', 'mailboxes');
  throw new UsageError(
    `Refused by --max-active ${limit}: ${impact.activeMailboxes} of the ${losing} losing access logged in over a protocol they would lose in the last ${counted(impact.activeDays, 'day')}. Nothing was changed.\n` +
      describeImpact(impact).map((line) => `  ${line}`).join('\n'),
  );
}

/**
 * With --max-active, a change of a protocol whose logins are not recorded says the limit does not
 * weigh it. `webmail`: the configuration names webmail networks, so OWA's logins are recorded apart.
 */
export function noteUncounted(messages: Messages, changed: ReadonlySet<CasSettingName>, limits: ImpactLimits, webmail: boolean): void {
  if (limits.maxActive === undefined) return;
  const recorded = recordedProtocols(webmail);
  const uncounted = PROTOCOLS.filter((p) => changed.has(p.property) && !recorded.some((r) => r.name === p.name));
  if (uncounted.length === 0) return;
  messages.info(`--max-active weighs the recorded ${protocolList('and', recorded)} logins only: logins over ${protocolList('or', uncounted)} are not recorded.`);
}
