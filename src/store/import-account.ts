import { mailboxDn, parseCanonicalOu } from '../core/distinguished-name.js';
import { fold } from '../core/mailbox.js';
import type { PlanBook } from '../core/mailbox-plans.js';
import type { CompleteRecord, ImportItem, ImportRecord, ImportSummary } from './directory-store.js';
import {
  CasWrites, administratorRefusal, createdItem, fieldChanges, mergeRecord, newMailboxRecord, recordChanges, type StoredMailbox,
} from './import-merge.js';

/** The DN a mailbox gets from its Name and OU when none is given; null when the OU is no canonical name. */
export function derivedDn(record: Pick<ImportRecord, 'Name' | 'OrganizationalUnit'>): string | null {
  const path = parseCanonicalOu(record.OrganizationalUnit);
  return path === null ? null : mailboxDn(record.Name, path);
}

/** The stored mailboxes a batch names, by row id, found as an import matches them: by Guid first, else by primary address. */
export class StoredMailboxes {
  private readonly byGuid = new Map<string, { id: number; mailbox: StoredMailbox }>();
  private readonly byAddress = new Map<string, { id: number; mailbox: StoredMailbox }>();

  add(id: number, mailbox: StoredMailbox): void {
    const entry = { id, mailbox };
    this.byGuid.set(fold(mailbox.Guid), entry);
    this.byAddress.set(fold(mailbox.PrimarySmtpAddress), entry);
  }

  find(record: ImportRecord): { id: number; mailbox: StoredMailbox } | undefined {
    return (record.Guid === null ? undefined : this.byGuid.get(fold(record.Guid))) ?? this.byAddress.get(fold(record.PrimarySmtpAddress));
  }
}

/**
 * An import's running account on the SQL stores (SQLite's and the servers'), whose loops differ
 * only in how they write: what a row creates or changes, counted, listed for --what-if, and the
 * CAS settings it changes collected for applyCasChanges.
 */
export class ImportAccount {
  readonly summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, organizationalUnitsCreated: 0, changeId: null, casChanges: 0, administratorRefused: [] };
  readonly cas = new CasWrites();

  constructor(
    private readonly plans: PlanBook,
    private readonly items: ImportItem[] | undefined,
  ) {}

  /** A new mailbox: its record as stored (settings from the plan, the Administrator rule), counted and listed. */
  create(record: ImportRecord): CompleteRecord {
    const created = newMailboxRecord(record, this.plans);
    if (created.refused !== null) this.summary.administratorRefused.push(created.refused);
    this.summary.created++;
    this.items?.push(createdItem(created.record));
    return created.record;
  }

  /** What the row makes of a stored mailbox (the Administrator rule applied); its OU is the caller's to ensure. */
  merge(stored: StoredMailbox, record: ImportRecord): CompleteRecord {
    const merged = mergeRecord(stored, record);
    const refused = administratorRefusal(stored, record, merged);
    if (refused !== null) this.summary.administratorRefused.push(refused);
    return merged;
  }

  /**
   * The update of a stored mailbox to `merged`, counted and listed, its CAS settings collected:
   * the properties the store writes to the mailbox itself (none: nothing to write there).
   */
  update(stored: StoredMailbox, merged: CompleteRecord): string[] {
    if (merged.DistinguishedName === null) merged.DistinguishedName = derivedDn(merged);
    const changes = recordChanges(stored, merged);
    if (changes.length === 0) {
      this.summary.unchanged++;
      return [];
    }
    this.summary.updated++;
    this.items?.push({ Action: 'update', PrimarySmtpAddress: merged.PrimarySmtpAddress, Name: merged.Name, Changes: changes });
    this.cas.add(stored.Guid, changes);
    return fieldChanges(changes).map((c) => c.Property);
  }
}
