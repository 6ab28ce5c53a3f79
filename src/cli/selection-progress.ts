import { splitFilter } from '../core/filter-split.js';
import { resolveOrganizationalUnit, type NamedIdentity, type Selection } from '../core/select.js';
import type { DirectoryStore } from '../store/directory-store.js';
import { countIdentities } from '../input/identity-count.js';
import type { Progress } from '../output/progress.js';
import type { SelectionOptions } from './selection-options.js';

/** A selection whose reading is shown on a progress bar; `planned` counts the mailboxes the caller has planned. */
export interface TrackedSelection {
  selection: Selection;
  planned(count: number): void;
}

/**
 * Shows how far planning a change has got, against a total known before any mailbox is read:
 * identities are counted as they are read ("Resolving identities", against the arguments plus
 * the identities in --file; stdin has no total), a filter or an OU as its mailboxes are planned
 * ("Planning", against what the store counts for the same query). Off a terminal nothing is
 * counted, so scripts pay nothing for it.
 */
export async function trackSelection(
  store: DirectoryStore,
  selection: Selection,
  options: SelectionOptions,
  args: readonly string[],
  progress: Progress,
): Promise<TrackedSelection> {
  const ignore = (): void => undefined;
  if (!progress.onTerminal) return { selection, planned: ignore };
  const { identities } = selection;
  if (identities === undefined) {
    const ou = selection.organizationalUnit === undefined ? undefined : await resolveOrganizationalUnit(store, selection.organizationalUnit);
    const { store: pushed, joined } = splitFilter(selection.filter);
    // A filter on recorded logins is decided as the mailboxes are read: the store can count only an upper bound.
    const count = joined !== undefined ? undefined : await store.countMailboxes({
      ...(ou === undefined ? {} : { organizationalUnit: ou }),
      ...(pushed === undefined ? {} : { filter: pushed }),
    });
    progress.phase('Planning', 'mailboxes', count === undefined ? undefined : Math.min(count, selection.resultSize ?? count));
    return { selection, planned: (count) => progress.tick(count) };
  }
  const fromStdin = args.includes('-') || options.identity?.includes('-') === true || options.file === '-';
  const inFile = options.file === undefined || options.file === '-' ? 0 : await countIdentities(options.file);
  const named = [...args, ...(options.identity ?? [])].filter((a) => a !== '-').length;
  progress.phase('Resolving identities', 'identities', fromStdin || inFile === undefined ? undefined : named + inFile);
  async function* counted(): AsyncGenerator<readonly NamedIdentity[]> {
    for await (const batch of identities as AsyncIterable<readonly NamedIdentity[]>) {
      progress.tick(batch.length);
      yield batch;
    }
  }
  return { selection: { ...selection, identities: counted() }, planned: ignore };
}
