import { CHANGE_PAGE, type ChangeRecord } from './directory-store.js';

/**
 * Gathers change records into the pages changeRecords yields (CHANGE_PAGE): a page is full once
 * it holds CHANGE_PAGE.items items, so memory follows the largest record, not the history.
 */
export class ChangePager {
  private page: ChangeRecord[] = [];
  private held = 0;

  /** Adds a record; the page it filled, if it did. */
  add(record: ChangeRecord): ChangeRecord[] | null {
    this.page.push(record);
    this.held += record.Changes.length;
    return this.held >= CHANGE_PAGE.items ? this.take() : null;
  }

  /** The page begun and not yet full, if any. */
  rest(): ChangeRecord[] | null {
    return this.page.length > 0 ? this.take() : null;
  }

  private take(): ChangeRecord[] {
    const page = this.page;
    this.page = [];
    this.held = 0;
    return page;
  }
}
