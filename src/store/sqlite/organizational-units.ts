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

/** Creates the OU and every parent missing below the domain; returns the OU's stored canonical name. */
export function ensureOrganizationalUnit(db: Db, canonical: string): { canonical: string; created: number } {
  const path = parseCanonicalOu(canonical);
  if (path === null) throw new Error(`'${canonical}' is not a canonical OU name`);
  let created = 0;
  const select = db.prepare<[string], { canonical_name: string }>(
    'SELECT canonical_name FROM organizational_units WHERE canonical_name = ?',
  );
  const insert = db.prepare(
    'INSERT INTO organizational_units (guid, name, canonical_name, distinguished_name) VALUES (?, ?, ?, ?)',
  );
  let stored = path.domain;
  for (const unit of path.units) {
    // Build on the parent's stored spelling, so every mailbox of an OU shows the same case.
    const wanted = `${stored}/${unit}`;
    const existing = select.get(wanted);
    if (existing === undefined) {
      const parsed = parseCanonicalOu(wanted) as CanonicalPath;
      insert.run(randomUUID(), unit, wanted, ouDn(parsed));
      created++;
      stored = wanted;
    } else {
      stored = existing.canonical_name;
    }
  }
  return { canonical: stored, created };
}
