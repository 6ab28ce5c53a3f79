import { newGuid } from '../../core/guid.js';
import { type CanonicalPath, ouDn, parseCanonicalOu } from '../../core/distinguished-name.js';
import { fold } from '../../core/mailbox.js';
import { ouCreationPlan, selectOrganizationalUnits } from '../../core/organizational-units.js';
import type { OrganizationalUnit } from '../directory-store.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';
import { CASCTL_MAILBOX_SCHEMA } from './mailbox-schema.js';

/** Every OU, in canonical name order (folded, as SQLite's NOCASE orders them). */
async function allUnits(session: SqlSession, layout: SqlLayout): Promise<OrganizationalUnit[]> {
  const { guid, name, canonicalName, distinguishedName } = layout.schema.organizationalUnits;
  const column = (c: string | null, derived: string): string => (c === null ? derived : `u.${layout.q(c)}`);
  const rows = await session.query(
    `SELECT ${column(guid, layout.dialect.uuidOf(`u.${layout.q(name)}`))} AS g, u.${layout.q(name)} AS n, u.${layout.q(canonicalName)} AS c, ${column(distinguishedName, 'NULL')} AS d FROM ${layout.units} u`,
  );
  // A schema without OU DNs (a domain table) has them from the canonical name, as casctl makes them.
  const dnOf = (canonical: string): string => {
    const path = parseCanonicalOu(canonical);
    return path === null ? '' : ouDn(path);
  };
  const units = rows.map((r) => ({ Guid: r.g as string, Name: r.n as string, CanonicalName: r.c as string, DistinguishedName: (r.d as string | null) ?? dnOf(r.c as string) }));
  return units.sort((a, b) => (fold(a.CanonicalName) < fold(b.CanonicalName) ? -1 : fold(a.CanonicalName) > fold(b.CanonicalName) ? 1 : 0));
}

/** Finds the OUs an admin's text names, as core/organizational-units.ts decides; every OU without one. */
export async function findOrganizationalUnits(session: SqlSession, layout: SqlLayout, identity: string | undefined): Promise<OrganizationalUnit[]> {
  const all = await allUnits(session, layout);
  return identity === undefined ? all : selectOrganizationalUnits(all, identity);
}

/**
 * Creates OUs, and every parent missing below the domain, as an import meets them. A directory
 * has few OUs: they are read once, and remembered with the ones this import creates.
 */
export class OrganizationalUnitMaker {
  created = 0;

  private constructor(
    private readonly session: SqlSession,
    private readonly layout: SqlLayout,
    /** Folded canonical name → the stored spelling. */
    private readonly known: Map<string, string>,
  ) {}

  static async load(session: SqlSession, layout: SqlLayout): Promise<OrganizationalUnitMaker> {
    const units = await allUnits(session, layout);
    return new OrganizationalUnitMaker(session, layout, new Map(units.map((u) => [fold(u.CanonicalName), u.CanonicalName])));
  }

  /** The OU's stored canonical name (the first spelling seen wins, so an OU's mailboxes agree on case). */
  async ensure(canonical: string): Promise<string> {
    const remembered = this.known.get(fold(canonical));
    if (remembered !== undefined) return remembered;
    const path = parseCanonicalOu(canonical);
    if (path === null) throw new Error(`'${canonical}' is not a canonical OU name`);
    const plan = ouCreationPlan(path.domain, path.units, (wanted) => this.known.get(fold(wanted)));
    // Only import makes OUs, and only in casctl's own schema.
    const { guid, name, canonicalName, distinguishedName } = CASCTL_MAILBOX_SCHEMA.organizationalUnits;
    const d = this.layout.dialect;
    for (const unit of plan.create) {
      await this.session.execute(
        `INSERT INTO ${this.layout.units} (${[guid, name, canonicalName, distinguishedName].map((c) => d.quote(c)).join(', ')})
         VALUES (${[1, 2, 3, 4].map((n) => d.placeholder(n, 'text')).join(', ')})`,
        [newGuid(), unit.name, unit.canonicalName, ouDn(parseCanonicalOu(unit.canonicalName) as CanonicalPath)],
      );
      this.known.set(fold(unit.canonicalName), unit.canonicalName);
      this.created++;
    }
    this.known.set(fold(canonical), plan.canonicalName);
    return plan.canonicalName;
  }
}
