import type { PlanStatus } from './plan.js';

/** The counts every change run reports, on stderr and in `-o json`. */
export interface ChangeSummary {
  Changed: number;
  Unchanged: number;
  Refused: number;
  NotFound: number;
  Ambiguous: number;
  /** Items that could not be applied, e.g. an undo whose mailbox was changed since. */
  Failed: number;
}

/** The summary of items with these statuses: each mailbox is one item, so the counts add up to the mailboxes. */
export function summaryOf(counts: Readonly<Record<PlanStatus, number>>, notFound: number, ambiguous: number): ChangeSummary {
  return {
    Changed: counts.change,
    Unchanged: counts.unchanged,
    Refused: counts.refused,
    NotFound: notFound,
    Ambiguous: ambiguous,
    Failed: counts.conflict + counts.failed,
  };
}

export function describeSummary(summary: ChangeSummary, whatIf: boolean): string {
  const verb = whatIf ? 'What if: would change' : 'Changed';
  return `${verb} ${summary.Changed}, unchanged ${summary.Unchanged}, refused ${summary.Refused}, not found ${summary.NotFound}, ambiguous ${summary.Ambiguous}, failed ${summary.Failed}.`;
}
