import { newGuid } from '../../core/guid.js';
import { type CanonicalPath, ouDn, parseCanonicalOu } from '../../core/distinguished-name.js';
import { fold, isAscii } from '../../core/mailbox.js';
import { ouCreationPlan, selectOrganizationalUnits } from '../../core/organizational-units.js';
import type { OrganizationalUnit } from '../directory-store.js';
import type { Db } from './connection.js';

interface OuRow {
  guid: string;
  name: string;
  canonical_name: string;
  distinguished_name: string;
}

const toOu = (row: OuRow): OrganizationalUnit => ({
  Guid: row.guid,
  Name: row.name,
  CanonicalName: row.canonical_name,
  DistinguishedName: row.distinguished_name,
});

/** Finds the OUs an admin's text names, as core/organizational-units.ts decides; every OU without one. */
export function findOrganizationalUnits(db: Db, identity: string | undefined): OrganizationalUnit[] {
  const all = db.prepare<[], OuRow>('SELECT guid, name, canonical_name, distinguished_name FROM organizational_units ORDER BY canonical_name').all().map(toOu);
  return identity === undefined ? all : selectOrganizationalUnits(all, identity);
}

/**
 * Creates OUs, and every parent missing below the domain, as an import meets them. One per
 * import: it remembers the OUs it has seen, since a directory has few OUs and many mailboxes.
 */
export class OrganizationalUnitMaker {
  private readonly known = new Map<string, string>();
  private readonly select;
  private readonly selectFolded;
  private readonly insert;
  created = 0;

  constructor(db: Db) {
    this.select = db.prepare<[string], { canonical_name: string }>('SELECT canonical_name FROM organizational_units WHERE canonical_name = ?');
    // NOCASE folds ASCII only; OUs are few, so the rest is compared folded over all of them.
    this.selectFolded = db.prepare<[string], { canonical_name: string }>('SELECT canonical_name FROM organizational_units WHERE casctl_fold(canonical_name) = casctl_fold(?)');
    this.insert = db.prepare('INSERT INTO organizational_units (guid, name, canonical_name, distinguished_name) VALUES (?, ?, ?, ?)');
  }

  /** The OU's stored canonical name (the first spelling seen wins, so an OU's mailboxes agree on case). */
  ensure(canonical: string): string {
    const key = fold(canonical);
    const remembered = this.known.get(key);
    if (remembered !== undefined) return remembered;
    const path = parseCanonicalOu(canonical);
    if (path === null) throw new Error(`'${canonical}' is not a canonical OU name`);
    const plan = ouCreationPlan(path.domain, path.units, (wanted) => (isAscii(wanted) ? this.select : this.selectFolded).get(wanted)?.canonical_name);
    for (const unit of plan.create) {
      this.insert.run(newGuid(), unit.name, unit.canonicalName, ouDn(parseCanonicalOu(unit.canonicalName) as CanonicalPath));
      this.created++;
    }
    this.known.set(key, plan.canonicalName);
    return plan.canonicalName;
  }
}
