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

export function describeSummary(summary: ChangeSummary, whatIf: boolean): string {
  const verb = whatIf ? 'What if: would change' : 'Changed';
  return `${verb} ${summary.Changed}, unchanged ${summary.Unchanged}, refused ${summary.Refused}, not found ${summary.NotFound}, ambiguous ${summary.Ambiguous}, failed ${summary.Failed}.`;
}
