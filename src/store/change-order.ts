import { fold } from '../core/mailbox.js';
import { compareCasSettings } from '../core/protocols.js';
import type { ChangeItem, PlanChangeItem } from './directory-store.js';

/**
 * The order of a change record's items, on every store (DESIGN.md §5 "Rules once"): by Name
 * (removed mailboxes, whose Name is null, first), then Guid, then the registry order of the
 * settings (core/protocols.ts), so a new protocol's items take their place without a store edit.
 */
export function compareChangeItems(a: ChangeItem, b: ChangeItem): number {
  if (a.Name !== b.Name) {
    if (a.Name === null) return -1;
    if (b.Name === null) return 1;
    const x = fold(a.Name);
    const y = fold(b.Name);
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.Guid !== b.Guid) {
    const x = fold(a.Guid);
    const y = fold(b.Guid);
    if (x !== y) return x < y ? -1 : 1;
  }
  return compareCasSettings(a.Property, b.Property);
}

/** Sorts a record's items in place into that order, and returns them. */
export function inChangeOrder(items: ChangeItem[]): ChangeItem[] {
  return items.sort(compareChangeItems);
}

/** A record's plan items in order, on every store: by plan identity (`Default` first), then the registry order of the settings. */
export function inPlanChangeOrder(items: PlanChangeItem[]): PlanChangeItem[] {
  const key = (item: PlanChangeItem): string => (item.Identity === 'Default' ? '' : fold(item.Identity));
  return items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x !== y) return x < y ? -1 : 1;
    return compareCasSettings(a.Property, b.Property);
  });
}
