import { splitCanonical } from '../../core/distinguished-name.js';
import { fold } from '../../core/mailbox.js';
import { ouCreationPlan, selectOrganizationalUnits } from '../../core/organizational-units.js';
import type { OrganizationalUnit } from '../directory-store.js';
import type { LdapConnection } from './connection.js';
import { formatRdn, parseDn } from '../../core/dn-syntax.js';
import { ResultCode, resultCode } from './errors.js';
import type { DirectoryLayout } from './layout.js';

/**
 * The organizational units below the base DN (`organizationalUnit` entries, or those the
 * mapping names: iRedMail's domains), with their entryUUID
 * as Guid: the server assigns it to every entry, so OUs made by other tools have one too. A
 * directory has few OUs, so they are read once per store and looked up in memory.
 */
export class OrganizationalUnits {
  private cache: Promise<OrganizationalUnit[]> | undefined;

  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
  ) {}

  /** Every OU, ordered by canonical name. */
  list(): Promise<OrganizationalUnit[]> {
    this.cache ??= this.read();
    return this.cache;
  }

  private async read(): Promise<OrganizationalUnit[]> {
    const { scope, filter } = this.layout.mapping.organizationalUnits;
    const entries = await this.connection.searchAll({ base: this.layout.unitsBaseDn, scope, filter, attributes: ['entryUUID'], missingBaseIsEmpty: true });
    const units: OrganizationalUnit[] = [];
    for (const entry of entries) {
      const canonical = this.layout.canonicalOf(entry.dn);
      if (canonical === null || this.layout.isInternal(entry.dn)) continue;
      units.push({
        Guid: entry.first('entryUUID') ?? '',
        Name: parseDn(entry.dn)?.[0]?.value ?? '',
        CanonicalName: canonical,
        DistinguishedName: entry.dn,
      });
    }
    return units.sort((a, b) => compareFolded(a.CanonicalName, b.CanonicalName));
  }

  /** What findOrganizationalUnits means on every store (core/organizational-units.ts). */
  async find(identity: string | undefined): Promise<OrganizationalUnit[]> {
    const all = await this.list();
    return identity === undefined ? all : selectOrganizationalUnits(all, identity);
  }

  /** The DN of the OU with this canonical name as the directory spells it; the base for the base. */
  async dnOf(canonical: string): Promise<string | null> {
    if (fold(canonical) === fold(this.layout.baseCanonical)) return this.layout.baseDn;
    const found = (await this.list()).find((ou) => fold(ou.CanonicalName) === fold(canonical));
    return found?.DistinguishedName ?? null;
  }

  /**
   * Creates the OU and every missing parent below the base; returns its DN and canonical name as
   * stored (an existing OU keeps its spelling, as on SQLite) and how many OUs were created.
   */
  async ensure(canonical: string): Promise<{ dn: string; canonical: string; created: number }> {
    const known = await this.list();
    const plan = ouCreationPlan(this.layout.baseCanonical, splitCanonical(canonical).slice(1 + this.layout.baseUnits.length), (wanted) =>
      known.find((ou) => fold(ou.CanonicalName) === fold(wanted))?.CanonicalName,
    );
    let dn = (await this.dnOf(plan.existing)) ?? this.layout.baseDn;
    let created = 0;
    for (const unit of plan.create) {
      const childDn = `${formatRdn({ type: 'ou', value: unit.name })},${dn}`;
      try {
        await this.connection.add(childDn, { objectClass: ['top', 'organizationalUnit'], ou: [unit.name] });
        created++;
      } catch (error) {
        // Another admin created it a moment ago: use theirs.
        if (resultCode(error) !== ResultCode.EntryAlreadyExists) throw this.connection.fail(error, `create the organizational unit '${childDn}'`);
      }
      const made = await this.connection.read(childDn, ['entryUUID']);
      dn = made?.dn ?? childDn;
      known.push({ Guid: made?.first('entryUUID') ?? '', Name: unit.name, CanonicalName: unit.canonicalName, DistinguishedName: dn });
      known.sort((a, b) => compareFolded(a.CanonicalName, b.CanonicalName));
    }
    return { dn, canonical: plan.canonicalName, created };
  }
}

function compareFolded(a: string, b: string): number {
  const x = fold(a);
  const y = fold(b);
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
