import { splitCanonical } from './distinguished-name.js';
import { keyOfDn } from './dn-syntax.js';
import { fold } from './mailbox.js';
import { distanceWithin, looseFold, typoThreshold } from './suggest.js';
import type { OrganizationalUnit } from '../store/directory-store.js';

/**
 * Which OUs an admin's text names, and which OUs an import must create: the same on every store,
 * which only lists its OUs (a directory has few) and creates the ones asked for.
 */

/** The forms an OU identity may be: its Guid, its DN, or a canonical path (`/` or `\`) of which a tail names it. */
export interface OuIdentity {
  readonly folded: string;
  /** The DN's comparison key, when the text is a DN. */
  readonly distinguishedName: string | null;
  /** The path's segments, folded, top down: `North America\Finance` → `north america`, `finance`. */
  readonly path: readonly string[];
}

export function parseOuIdentity(identity: string): OuIdentity {
  const text = identity.trim();
  return { folded: fold(text), distinguishedName: text.includes('=') ? keyOfDn(text) : null, path: splitCanonical(text).map(fold) };
}

/** `Finance`, `North America/Finance` and `tailspintoys.com/North America/Finance` all end the canonical name of that OU. */
export function endsWithPath(canonical: string, path: readonly string[]): boolean {
  const segments = canonical.split('/').map(fold);
  const tail = segments.slice(segments.length - path.length);
  return path.length > 0 && tail.length === path.length && tail.every((segment, i) => segment === path[i]);
}

/** The OUs of `all` that `identity` names: by Guid or DN if any, else by canonical path (tail), in `all`'s order. */
export function selectOrganizationalUnits<T extends OrganizationalUnit>(all: readonly T[], identity: string): T[] {
  const ou = parseOuIdentity(identity);
  const exact = all.filter(
    (unit) => fold(unit.Guid) === ou.folded || (ou.distinguishedName !== null && keyOfDn(unit.DistinguishedName) === ou.distinguishedName),
  );
  if (exact.length > 0) return exact;
  return all.filter((unit) => endsWithPath(unit.CanonicalName, ou.path));
}

/**
 * The OUs closest to text that names none (at most `limit`, by canonical name): those whose canonical
 * name ends in segments each close to the text's (`North America\\Finanse` → `North America/Finance`),
 * case and accents folded.
 */
export function closestOrganizationalUnits<T extends OrganizationalUnit>(all: readonly T[], identity: string, limit = 5): T[] {
  const path = splitCanonical(identity).map(looseFold);
  if (path.length === 0) return [];
  const scored = all.flatMap((unit) => {
    const tail = unit.CanonicalName.split('/').map(looseFold).slice(-path.length);
    if (tail.length < path.length) return [];
    let total = 0;
    for (const [i, segment] of path.entries()) {
      const distance = distanceWithin(segment, tail[i] as string, typoThreshold(segment));
      if (distance === null) return [];
      total += distance;
    }
    return [{ unit, total }];
  });
  // Only the closest: `Easts` is a typo of `East`, and `Sales` three edits away is noise beside it.
  const best = Math.min(...scored.map(({ total }) => total));
  return scored
    .filter(({ total }) => total === best)
    .sort((a, b) => a.unit.CanonicalName.localeCompare(b.unit.CanonicalName))
    .slice(0, limit)
    .map(({ unit }) => unit);
}

/** What making an OU takes: the deepest one that exists (its stored spelling) and the ones to create below it, top down. */
export interface OuCreationPlan {
  /** The OU's canonical name as stored once the plan is carried out. */
  readonly canonicalName: string;
  readonly existing: string;
  readonly create: readonly { readonly name: string; readonly canonicalName: string }[];
}

/**
 * The OUs to create so that `units` exist below `root` (a domain, or an LDAP base), each under
 * the one before. `stored` gives the stored canonical name of an existing OU that fold() equates
 * with the one asked for: an existing OU keeps its spelling, and a new one builds on its parent's.
 */
export function ouCreationPlan(root: string, units: readonly string[], stored: (canonicalName: string) => string | undefined): OuCreationPlan {
  let existing = root;
  let index = 0;
  for (; index < units.length; index++) {
    const found = stored(`${existing}/${units[index] as string}`);
    if (found === undefined) break;
    existing = found;
  }
  // Below an OU that does not exist, none does.
  let parent = existing;
  const create = units.slice(index).map((name) => {
    parent = `${parent}/${name}`;
    return { name, canonicalName: parent };
  });
  return { canonicalName: parent, existing, create };
}
