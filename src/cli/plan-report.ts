import { settleItem, type ChangesMade } from '../core/apply-change.js';
import { summaryOf, type ChangeSummary } from '../core/change-summary.js';
import { shownIdentity, type PlanItem, type PlanStatus } from '../core/plan.js';
import { ADMINISTRATOR_REFUSED } from '../core/administrator.js';
import { protocolList, type CasSettingName } from '../core/protocols.js';
import { parseOutputFormat } from '../output/formats.js';
import { printable } from '../core/printable.js';
import type { Messages } from '../output/messages.js';
import { displayValue } from '../output/values.js';
import { CHANGE_FORMATS, type ChangeFormat } from './change-report.js';
import { refuseContradictoryConfirm } from './confirm-options.js';
import { LosingAccess } from '../core/change-impact.js';
import { impactLimits, type ImpactLimits, type ImpactOptions } from './change-impact.js';

/** How many changes the confirmation prompt shows. */
export const SAMPLE = 10;

/**
 * Exchange warns about every named mailbox a change leaves as it was; past this many, one line
 * counts the rest (a file of a million addresses would otherwise bury the errors that matter).
 * `-o json` and `-o ndjson` still list every item.
 */
const UNCHANGED_WARNINGS = 100;

export function describeChanges(item: PlanItem): string {
  return item.changes.map((c) => `${c.property} ${displayValue(c.before)} → ${displayValue(c.after)}`).join(', ');
}

/** How a change reports: what `--output` and `--what-if` ask for, and what its impact is measured against. */
export interface ReportOptions extends ImpactOptions {
  output: string;
  whatIf?: boolean;
  /** Checked here too, before the plan: `--yes` and `--confirm` (-Confirm:$false and -Confirm) contradict. */
  yes?: boolean;
  confirm?: boolean;
}

/**
 * The report of a change's plan (the plan itself is core/plan.ts's items), collected item by
 * item: each item's message on stderr as it comes, the counts, the first few changes for the
 * prompt and the settings they touch; and the items themselves only when a report lists them
 * (`-o json`, `-o ndjson`, `--what-if`), so that a plan over a million mailboxes is not held in
 * memory for nothing.
 */
export class PlanReport {
  readonly format: ChangeFormat;
  readonly counts: Record<PlanStatus, number> = { change: 0, unchanged: 0, refused: 0, conflict: 0, failed: 0 };
  /** The first SAMPLE items that change something. */
  readonly sample: PlanItem[] = [];
  readonly properties = new Set<CasSettingName>();
  /** Every item, when a report needs them. */
  items: PlanItem[] | undefined;
  /** The mailboxes the change turns a recorded protocol off for: whose logins its impact reads. */
  readonly losing = new LosingAccess();
  readonly limits: ImpactLimits;
  private unchangedNamed = 0;

  /** Checks the options first, so that a bad `--output`, `--max-active` (or `--yes` with `--confirm`) fails before a long plan, not after it. */
  constructor(
    private readonly messages: Messages,
    options: ReportOptions,
  ) {
    this.format = parseOutputFormat(options.output, CHANGE_FORMATS, 'for a change');
    refuseContradictoryConfirm(options);
    this.limits = impactLimits(options);
    this.items = this.format !== 'table' || options.whatIf === true ? [] : undefined;
  }

  add(item: PlanItem): void {
    this.counts[item.status]++;
    this.items?.push(item);
    if (item.status === 'change') {
      this.losing.add(item);
      if (this.sample.length < SAMPLE) this.sample.push(item);
      for (const change of item.changes) this.properties.add(change.property);
    } else if (item.status === 'refused') {
      const text = `The Administrator mailbox '${printable(shownIdentity(item))}' can't be enabled for ${protocolList('or', ADMINISTRATOR_REFUSED)}.`;
      if (item.namedAs === undefined) this.messages.warning(`${text} It was skipped.`);
      else this.messages.error(text);
    } else if (item.status === 'conflict') {
      this.messages.error(`'${printable(shownIdentity(item))}' was changed again since; left as it is (${describeChanges(item)} no longer applies).`);
    } else if (item.status === 'unchanged' && item.namedAs !== undefined && ++this.unchangedNamed <= UNCHANGED_WARNINGS) {
      this.messages.warning(`The command completed successfully but no settings of '${printable(shownIdentity(item))}' have been modified.`);
    }
  }

  /** After the last item: the count of unchanged mailboxes not warned about one by one. */
  finish(): void {
    const unwarned = this.unchangedNamed - UNCHANGED_WARNINGS;
    if (unwarned > 0) this.messages.warning(`... and ${unwarned} more named mailboxes already had these settings; -o json lists them all.`);
  }

  summary(notFound: number, ambiguous: number): ChangeSummary {
    return summaryOf(this.counts, notFound, ambiguous);
  }

  /**
   * After the write (core/apply-change.ts settleItem): each item as the store left it, counted
   * again, so that the JSON items and the summary agree. Without the items (a table report),
   * `counted` is the summary, worked out from the store's counts.
   */
  settle(counted: ChangeSummary, failed: ReadonlySet<string>, made: ChangesMade | undefined): ChangeSummary {
    if (this.items === undefined) return counted;
    this.items = this.items.map((item) => settleItem(item, failed, made));
    for (const status of Object.keys(this.counts) as PlanStatus[]) this.counts[status] = 0;
    for (const item of this.items) this.counts[item.status]++;
    return this.summary(counted.NotFound, counted.Ambiguous);
  }
}
