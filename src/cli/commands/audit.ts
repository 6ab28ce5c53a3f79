import { ExitCode, StoreError, UsageError } from '../../core/errors.js';
import { planFor, WriteCollector } from '../../core/plan.js';
import { readPolicy, type AuditPolicy } from '../../audit/policy.js';
import { AUDIT_FORMATS, summarise, writeAuditReport } from '../../audit/report.js';
import { runAudit, type RuleResult, type Violation } from '../../audit/run-audit.js';
import { checkRetention } from '../../audit/unused-for.js';
import type { CasSettings, SettingWrite } from '../../store/directory-store.js';
import { printable } from '../../core/printable.js';
import { parseOutputFormat } from '../../output/formats.js';
import { Messages } from '../../output/messages.js';
import { runChange, type ChangeOptions } from '../change-flow.js';
import { commandProgress } from '../command-progress.js';
import { PlanReport } from '../plan-report.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { withStore } from '../open.js';
import { unrecordedWebmail, webmailNotRecorded } from '../last-logons.js';
import { makeEffectiveOn, restartSetup, type RestartOptions } from '../restart-option.js';
import { PROTOCOLS } from '../../core/protocols.js';
import { servicesFor } from '../../services/services.js';
import { ProblemCounter } from '../problems.js';
import { withLastLogons } from '../selection-logons.js';
import { counted } from '../../core/counted.js';

interface AuditOptions extends RestartOptions, ChangeOptions {
  fix?: boolean;
  allowOutsideFiles?: boolean;
  csvRaw?: boolean;
}

/**
 * Turns fixable violations into one change: per mailbox, the settings every rule that covers it
 * expects. The rules agree: runAudit refuses a policy whose rules expect opposite values of one mailbox.
 */
function fixPlan(results: readonly RuleResult[], messages: Messages, plan: PlanReport): SettingWrite[] {
  const wanted = new Map<string, { mailbox: Violation; settings: CasSettings }>();
  for (const r of results) {
    const unfixable = r.violations.filter((v) => Object.keys(v.fix).length === 0).length;
    if (unfixable > 0) messages.warning(`${counted(unfixable, 'violation')} of '${printable(r.rule.name)}' cannot be fixed automatically (which mailboxes to turn off is your call).`);
    for (const v of r.violations) {
      if (Object.keys(v.fix).length === 0) continue;
      const entry = wanted.get(v.Guid) ?? { mailbox: v, settings: {} };
      Object.assign(entry.settings, v.fix);
      wanted.set(v.Guid, entry);
    }
  }
  // Planned from what the audit just read: the store re-checks every write inside its transaction, as for set-casmailbox.
  const writes = new WriteCollector();
  for (const { mailbox, settings } of wanted.values()) {
    const item = planFor(mailbox, settings, undefined);
    plan.add(item);
    if (item.status === 'change') for (const c of item.changes) writes.add(mailbox.Guid, c.property, c.after);
  }
  return writes.list();
}

/** An unusedFor rule on OWA where no webmail networks are configured would call everyone idle: refused (exit 3). */
async function refuseUnrecordedWebmail(context: CommandContext, options: AuditOptions, policy: AuditPolicy): Promise<void> {
  for (const rule of policy.rules) {
    const webmail = await unrecordedWebmail(context, options, (rule.unusedFor ?? []).map((limit) => limit.protocol));
    if (webmail !== undefined) throw new StoreError(`Rule '${printable(rule.name)}' (${rule.at}) has unusedFor ${webmail.property}. ${webmailNotRecorded(webmail)}`);
  }
}

/** Checks a policy against the store: 0 clean, 5 violations, 2 bad policy (rules that contradict each other too), 3 store unavailable. `--fix` goes through set-casmailbox's path. */
export async function run(context: CommandContext, options: AuditOptions, args: string[]): Promise<number> {
  const format = options.fix === true ? undefined : parseOutputFormat(options.output, AUDIT_FORMATS, 'for audit');
  if (options.restart === true && options.fix !== true) throw new UsageError('--restart makes a fix effective: it goes with --fix (an audit alone changes nothing).');
  if (options.fix !== true && (options.maxActive !== undefined || options.activeDays !== undefined)) {
    throw new UsageError(`${options.maxActive === undefined ? '--active-days' : '--max-active'} weighs who a fix would cut off: it goes with --fix (an audit alone changes nothing).`);
  }
  const policy = await readPolicy(args[0] ?? '', { allowOutsideFiles: options.allowOutsideFiles === true });
  const setup = await restartSetup(context, options);
  // Timed from the start: the fix's bar shows once the whole run, reading included, has taken a second.
  const progress = commandProgress(context);
  const messages = new Messages(progress.messageStream, useColour(context.stderr, context.env));
  const unusedFor = policy.rules.some((rule) => rule.unusedFor !== undefined);
  await refuseUnrecordedWebmail(context, options, policy);
  const needs = {
    filters: policy.rules.map((rule) => rule.filter),
    ...(unusedFor ? { decides: `${policy.path} has unusedFor rules, which decide by who logged in when.` } : {}),
  };
  return withLastLogons(context, options, needs, (text) => messages.warning(text), (lastLogons) => {
    // An audit that cannot see a login must not report its mailbox unused, nor --fix it.
    if (unusedFor && lastLogons !== undefined) checkRetention(policy.rules, lastLogons);
    const records = lastLogons === undefined ? undefined : { source: lastLogons, now: context.now() };
    return withStore(context, options, async (store) => {
      const problems = new ProblemCounter(messages);
      const results = await runAudit(store, policy, context.stdin, problems.report, (rule, problem) =>
        messages.warning(`Rule '${printable(rule.name)}': an exception is stale: ${problem.message}`),
        records,
      );
      const summary = summarise(results);
      messages.info(
        `Audit of ${policy.path}: ${counted(summary.Rules, 'rule')}, ${summary.Passed} passed, ${summary.Failed} failed, ${counted(summary.Violations, 'violation')}, ` +
          `${counted(summary.Errors, 'identity that does not resolve', 'identities that do not resolve')}.`,
      );
      if (format !== undefined) {
        await writeAuditReport(context.stdout, format, policy, results, useColour(context.stdout, context.env), options.csvRaw === true);
        return summary.Failed > 0 ? ExitCode.Violations : ExitCode.Ok;
      }
      const plan = new PlanReport(messages, options);
      const writes = fixPlan(results, messages, plan);
      const services = servicesFor(PROTOCOLS.filter((p) => plan.properties.has(p.property)));
      const effect = await makeEffectiveOn(context, store, messages, setup, services, options);
      const code = await runChange(context, store, messages, { plan, writes, progress, ...problems.counts(), ...effect }, options);
      // A fix cannot settle a rule that names mailboxes that do not exist: that stays a failure. A
      // --what-if fixed nothing, so every violation is still there.
      const unfixable = results.some((r) => r.errors.length > 0 || r.violations.some((v) => Object.keys(v.fix).length === 0));
      const remaining = unfixable || (options.whatIf === true && summary.Failed > 0);
      return code === ExitCode.Ok && remaining ? ExitCode.Violations : code;
    }, options.fix === true ? 'write' : 'read');
  });
}
