import { fold } from './mailbox.js';
import type { SettingWrite } from '../store/directory-store.js';

declare const latestOnly: unique symbol;

/** Writes of which no two of one setting name the same mailbox: what every driver applies. */
export type LatestWrites = readonly SettingWrite[] & { readonly [latestOnly]: true };

/**
 * One decision per (mailbox, setting), before any store sees the writes: when two writes of a
 * setting name a mailbox (by Guid, in any case), the later one wins and the earlier one loses
 * the mailbox; a write left with none is dropped. A write that names a mailbox twice decides it
 * once (same `to` and `from`), so it is passed on as it is, and so is every setting written once:
 * the common case costs nothing.
 */
export function latestWrites(writes: readonly SettingWrite[]): LatestWrites {
  const count = new Map<string, number>();
  for (const write of writes) count.set(write.property, (count.get(write.property) ?? 0) + 1);
  const namedLater = new Map<string, Set<string>>();
  const kept: SettingWrite[] = [];
  for (let i = writes.length - 1; i >= 0; i--) {
    const write = writes[i] as SettingWrite;
    if (count.get(write.property) === 1) {
      kept.push(write);
      continue;
    }
    const named = namedLater.get(write.property) ?? new Set<string>();
    namedLater.set(write.property, named);
    const guids = write.guids.filter((guid) => !named.has(fold(guid)));
    for (const guid of guids) named.add(fold(guid));
    if (guids.length > 0) kept.push(guids.length === write.guids.length ? write : { ...write, guids });
  }
  return kept.reverse() as readonly SettingWrite[] as LatestWrites;
}
