import { randomUUID } from 'node:crypto';
import { type CanonicalPath, ouDn, parseCanonicalOu, splitCanonical } from '../../core/distinguished-name.js';
import { fold } from '../../core/mailbox.js';
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

/**
 * Finds the OUs an admin's text names: Guid, DN, canonical name with or without the domain
 * (`North America/Finance`, `North America\Finance`) or a bare OU name.
 */
export function findOrganizationalUnits(db: Db, identity: string | undefined): OrganizationalUnit[] {
  if (identity === undefined) {
    return db.prepare<[], OuRow>('SELECT guid, name, canonical_name, distinguished_name FROM organizational_units ORDER BY canonical_name').all().map(toOu);
  }
  const text = identity.trim();
  const exact = db
    .prepare<[string, string], OuRow>(
      `SELECT guid, name, canonical_name, distinguished_name FROM organizational_units
       WHERE guid = ? OR distinguished_name = ? ORDER BY canonical_name`,
    )
    .all(text, text.replace(/\s*,\s*/g, ','));
  if (exact.length > 0) return exact.map(toOu);

  const path = splitCanonical(text).map(fold);
  if (path.length === 0) return [];
  // `Finance`, `North America/Finance` and `tailspintoys.com/North America/Finance` all name it:
  // a path matches an OU whose canonical name ends with it, segment by segment.
  return findOrganizationalUnits(db, undefined).filter((ou) => {
    const segments = ou.CanonicalName.split('/').map(fold);
    const tail = segments.slice(segments.length - path.length);
    return tail.length === path.length && tail.every((segment, i) => segment === path[i]);
  });
}

/**
 * Creates OUs, and every parent missing below the domain, as an import meets them. One per
 * import: it remembers the OUs it has seen, since a directory has few OUs and many mailboxes.
 */
export class OrganizationalUnitMaker {
  private readonly known = new Map<string, string>();
  private readonly select;
  private readonly insert;
  created = 0;

  constructor(db: Db) {
    this.select = db.prepare<[string], { canonical_name: string }>('SELECT canonical_name FROM organizational_units WHERE canonical_name = ?');
    this.insert = db.prepare('INSERT INTO organizational_units (guid, name, canonical_name, distinguished_name) VALUES (?, ?, ?, ?)');
  }

  /** The OU's stored canonical name (the first spelling seen wins, so an OU's mailboxes agree on case). */
  ensure(canonical: string): string {
    const key = fold(canonical);
    const remembered = this.known.get(key);
    if (remembered !== undefined) return remembered;
    const path = parseCanonicalOu(canonical);
    if (path === null) throw new Error(`'${canonical}' is not a canonical OU name`);
    let stored = path.domain;
    for (const unit of path.units) {
      // Build on the parent's stored spelling.
      const wanted = `${stored}/${unit}`;
      const existing = this.select.get(wanted);
      if (existing === undefined) {
        this.insert.run(randomUUID(), unit, wanted, ouDn(parseCanonicalOu(wanted) as CanonicalPath));
        this.created++;
        stored = wanted;
      } else {
        stored = existing.canonical_name;
      }
    }
    this.known.set(key, stored);
    return stored;
  }
}
