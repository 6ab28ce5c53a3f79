/**
 * Where long work reports how far it got: the CLI passes a progress bar (src/output/progress.ts),
 * tests a recorder; the core and the stores know only this, never the terminal. Work ticks per
 * batch (a page read, a statement of a thousand rows), never per row, so reporting costs nothing
 * at a million rows.
 */
export interface ProgressSink {
  /**
   * A new phase begins: what it does (`Applying`), what it counts (`mailboxes`), and how many
   * there are when that is known before the work starts; without a total it is a plain counter.
   */
  phase(label: string, unit: string, total?: number): void;
  /** `count` more units of the current phase are done. */
  tick(count: number): void;
}
