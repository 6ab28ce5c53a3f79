import { ExitCode, StoreError, UsageError } from '../../core/errors.js';
import { counted } from '../../core/counted.js';
import { useColour } from '../../output/colour.js';
import { parseOutputFormat } from '../../output/formats.js';
import { Messages } from '../../output/messages.js';
import { lastLogonTarget } from '../../store/last-logons.js';
import type { CommandContext } from '../context.js';
import { DEFAULT_RETENTION_DAYS, lastLogonsTarget, NOT_RECORDED } from '../last-logons.js';
import { configFor, type GlobalOptions } from '../open.js';
import { RESULT_FORMATS, writeResultObject } from '../result-object.js';
import { traceFor } from '../verbose.js';

interface PruneOptions extends GlobalOptions {
  olderThan?: string;
  whatIf?: boolean;
  output: string;
}

const DAY_MS = 86_400_000;

/** --older-than, else the retention ("lastLogons": {"retentionDays"}, default 365); null retention needs --older-than. */
function days(option: string | undefined, retention: number | null | undefined): number {
  if (option !== undefined) {
    if (!/^\d+$/.test(option) || Number(option) < 1) throw new UsageError(`--older-than takes a whole number of days above 0, not '${option}'.`);
    return Number(option);
  }
  if (retention === null) throw new UsageError('"lastLogons": {"retentionDays": null} keeps logins until pruned by hand: say how old with --older-than <days>.');
  return retention ?? DEFAULT_RETENTION_DAYS;
}

/**
 * Deletes the recorded logins older than the retention: the times and client addresses are
 * personal data, kept no longer than the configuration says. Reading already ignores them; this
 * removes them. No prompt: the retention is the admin's decision already, and cron runs it.
 */
export async function run(context: CommandContext, options: PruneOptions): Promise<number> {
  const format = parseOutputFormat(options.output, RESULT_FORMATS, 'for prune-lastlogons');
  const config = await configFor(context, options);
  const olderThan = days(options.olderThan, config.lastLogons?.retentionDays);
  const where = await lastLogonsTarget(context, options, config);
  if (where === undefined) throw new StoreError(NOT_RECORDED);
  const target = await lastLogonTarget(where.url, { cwd: context.cwd, env: context.env, sections: config.sections, trace: traceFor(context, options) });
  const before = new Date(context.now().getTime() - olderThan * DAY_MS);
  const whatIf = options.whatIf === true;
  const deleted = await target.driver.prune(target.url, { cwd: target.cwd, env: target.env, section: target.section, ...(target.trace === undefined ? {} : { trace: target.trace }) }, before, whatIf);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const logins = counted(deleted, 'recorded login');
  messages.info(whatIf ? `What if: would delete ${logins} older than ${olderThan} days (before ${before.toISOString()}).` : `Deleted ${logins} older than ${olderThan} days (before ${before.toISOString()}).`);
  await writeResultObject(context.stdout, format, { WhatIf: whatIf, OlderThanDays: olderThan, Before: before.toISOString(), Deleted: deleted });
  return ExitCode.Ok;
}
