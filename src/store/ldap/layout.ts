import { parseCanonicalOu } from '../../core/distinguished-name.js';
import { fold } from '../../core/mailbox.js';
import { StoreError } from '../../core/errors.js';
import { formatDn, formatRdn, parseDn, relativeTo, type Rdn } from '../../core/dn-syntax.js';
import { CASCTL_MAPPING, below, type LdapMapping } from './mapping.js';

/** The name of casctl's own container below the base DN (change history, service state). */
export const CONTAINER_CN = 'casctl';

/**
 * Where things live below the store's base DN, and how DNs map to Exchange canonical names:
 * `ou=Finance,ou=North America,dc=tailspintoys,dc=com` ↔ `tailspintoys.com/North America/Finance`.
 * The trailing `dc=` RDNs of the base make the domain; every RDN above them is one path segment
 * (so a base `ou=Mail,dc=example,dc=com` is `example.com/Mail`). The mapping says which entries
 * below the base are mailboxes and OUs (casctl's own schema, or a profile onto an existing one).
 */
export class DirectoryLayout {
  readonly base: Rdn[];
  readonly baseDn: string;
  readonly domain: string;
  /** The base's own OU segments below the domain, top down. */
  readonly baseUnits: string[];
  readonly baseCanonical: string;
  readonly containerDn: string;
  /** Where the mapping's mailboxes and OUs are searched from. */
  readonly mailboxBaseDn: string;
  readonly unitsBaseDn: string;
  private readonly unitsBase: Rdn[];

  constructor(
    baseDn: string,
    readonly mapping: LdapMapping = CASCTL_MAPPING,
  ) {
    const base = parseDn(baseDn);
    if (base === null || base.length === 0) throw new StoreError(`'${baseDn}' is not a distinguished name.`);
    let firstDc = base.length;
    while (firstDc > 0 && base[firstDc - 1]?.type.toLowerCase() === 'dc') firstDc--;
    if (firstDc === base.length) {
      throw new StoreError(`The base DN '${baseDn}' must end in dc= components (dc=example,dc=com): casctl derives the mailbox domain from them.`);
    }
    this.base = base;
    this.baseDn = formatDn(base);
    this.domain = base.slice(firstDc).map((rdn) => rdn.value.toLowerCase()).join('.');
    this.baseUnits = base.slice(0, firstDc).map((rdn) => rdn.value).reverse();
    this.baseCanonical = [this.domain, ...this.baseUnits].join('/');
    this.containerDn = `${formatRdn({ type: 'cn', value: CONTAINER_CN })},${this.baseDn}`;
    this.mailboxBaseDn = below(mapping.mailboxes.base, this.baseDn);
    this.unitsBaseDn = below(mapping.organizationalUnits.base, this.baseDn);
    this.unitsBase = parseDn(this.unitsBaseDn) ?? base;
  }

  private readonly parents = new Map<string, string | null>();

  /**
   * The leaf name and the canonical name of the container of the entry at `dn` (a mailbox's Name
   * and OrganizationalUnit). Containers repeat across a directory, so their names are remembered.
   */
  nameAndContainer(dn: string): { name: string; container: string | null } {
    const leaf = leafLength(dn);
    const parent = dn.slice(leaf + 1);
    let container = this.parents.get(parent);
    if (container === undefined) {
      container = this.canonicalOf(this.mapping.ownsEntries ? parent : this.unitOf(parent));
      if (this.parents.size < 100_000) this.parents.set(parent, container);
    }
    return { name: parseDn(dn.slice(0, leaf))?.[0]?.value ?? '', container };
  }

  /**
   * A profile's OU of an entry below `parent`: the ancestor one level below the OU base
   * (iRedMail: domainName=<domain>,o=domains), or the base when it lies elsewhere.
   */
  private unitOf(parent: string): string {
    const rdns = parseDn(parent);
    const relative = rdns === null ? null : relativeTo(rdns, this.unitsBase);
    if (rdns === null || relative === null || relative.length === 0) return this.baseDn;
    return formatDn(rdns.slice(relative.length - 1));
  }

  /** The canonical name of the object at `dn`; null when it is not the base or below it. */
  canonicalOf(dn: string | readonly Rdn[]): string | null {
    const rdns = typeof dn === 'string' ? parseDn(dn) : dn;
    if (rdns === null) return null;
    const relative = relativeTo(rdns, this.base);
    if (relative === null) return null;
    return [this.baseCanonical, ...relative.map((rdn) => rdn.value).reverse()].join('/');
  }

  /** The `ou=` DN of a canonical OU name at or below the base; null when it lies elsewhere. */
  ouDn(canonical: string): string | null {
    const path = parseCanonicalOu(canonical);
    if (path === null || path.domain !== this.domain) return null;
    if (path.units.length < this.baseUnits.length) return null;
    if (!this.baseUnits.every((unit, i) => fold(unit) === fold(path.units[i] ?? ''))) return null;
    const below = path.units.slice(this.baseUnits.length).reverse().map((value): Rdn => ({ type: 'ou', value }));
    return below.length === 0 ? this.baseDn : `${formatDn(below)},${this.baseDn}`;
  }

  /** Is `dn` casctl's container or below it (never a mailbox or an OU)? */
  isInternal(dn: string): boolean {
    const rdns = parseDn(dn);
    const container = parseDn(this.containerDn) as Rdn[];
    return rdns !== null && relativeTo(rdns, container) !== null;
  }

  changeRecordDn(id: number): string {
    return `casChangeId=${id},${this.containerDn}`;
  }

  changeChunkDn(id: number, chunk: number): string {
    return `casChangeChunk=${chunk},${this.changeRecordDn(id)}`;
  }

  /** Where the CAS mailbox plans live: cn=plans,cn=casctl,<base>. */
  get plansDn(): string {
    return `cn=plans,${this.containerDn}`;
  }

  /**
   * A plan's entry, named for its scope (`Default` or the OU's canonical name): two admins creating
   * the plan of one scope at once collide on the name instead of making two plans.
   */
  planDn(identity: string): string {
    return `${formatRdn({ type: 'cn', value: identity })},${this.plansDn}`;
  }

  serviceDn(name: string): string {
    return `${formatRdn({ type: 'cn', value: name })},${this.containerDn}`;
  }
}

/** Length of the first RDN of a DN as written: up to the first comma not escaped by a backslash. */
function leafLength(dn: string): number {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',' || dn[i] === ';') return i;
  }
  return dn.length;
}
