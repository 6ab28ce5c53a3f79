import {
  WILDCARD_PROPERTIES, exactProperties, matchesIdentity, parseIdentity, type IdentityForms, type IdentityProperty,
} from '../../core/identity-forms.js';
import type { Mailbox } from '../../core/mailbox.js';
import { escapeValue } from './filter-to-ldap.js';
import type { LdapConnection } from './connection.js';
import { entryToMailbox, mailboxAttributes } from './entries.js';
import type { DirectoryLayout } from './layout.js';
import type { LdapMapping } from './mapping.js';
import { and } from './mailbox-search.js';
import type { OrganizationalUnits } from './organizational-units.js';

/** The attributes of each identity property in the mapping (Name is the DN's leaf); none for a property the directory lacks. */
function attributesOf(mapping: LdapMapping, property: IdentityProperty): string[] {
  if (property === 'Guid') return [mapping.guid];
  if (property === 'EmailAddresses') return [...mapping.emailAddresses];
  const attribute = mapping.attributes[property];
  return attribute === null ? [] : [attribute];
}
/** Identities per search: their equality tests go out as one OR. */
const IDENTITIES_PER_SEARCH = 25;

/**
 * Resolves identities as core/identity-forms.ts decides (Exchange's -Identity, the same on every
 * store). The server is asked for a superset (its matching ignores extra spaces, and non-ASCII
 * text is sent as wildcards, see looseTest) and matchesIdentity decides on every candidate.
 * Every value sent is escaped.
 */
export class IdentityResolver {
  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
    private readonly units: OrganizationalUnits,
  ) {
    this.mailboxAttributes = mailboxAttributes(layout.mapping);
  }

  private readonly mailboxAttributes: readonly string[];

  private attributes(property: IdentityProperty): string[] {
    return attributesOf(this.layout.mapping, property);
  }

  async resolve(identities: readonly string[], wildcards: boolean): Promise<Map<string, Mailbox[]>> {
    const result = new Map<string, Map<string, Mailbox>>();
    const exact: { identity: string; forms: IdentityForms }[] = [];
    for (const identity of identities) {
      if (result.has(identity)) continue;
      result.set(identity, new Map());
      const forms = parseIdentity(identity, wildcards);
      if (forms === null) continue;
      const matches = (m: Mailbox): boolean => matchesIdentity(m, forms);
      if (forms.wildcard !== null) {
        await this.collect(this.layout.mailboxBaseDn, 'sub', wildcardFilter(forms.text, (p) => this.attributes(p)), [identity], matches, result);
        continue;
      }
      exact.push({ identity, forms });
      await this.special(identity, forms, result);
    }
    const byIdentity = new Map(exact.map(({ identity, forms }) => [identity, forms]));
    for (let i = 0; i < exact.length; i += IDENTITIES_PER_SEARCH) {
      const batch = exact.slice(i, i + IDENTITIES_PER_SEARCH);
      const tests = batch.flatMap(({ forms }) => exactProperties(forms).flatMap((p) => this.attributes(p).map((a) => looseTest(a, forms.text))));
      const check = (m: Mailbox, identity: string): boolean => matchesIdentity(m, byIdentity.get(identity) as IdentityForms);
      await this.collect(this.layout.mailboxBaseDn, 'sub', `(|${tests.join('')})`, batch.map((b) => b.identity), check, result);
    }
    return new Map([...result].map(([identity, found]) => [identity, [...found.values()]]));
  }

  /** The DN, canonical-name and DOMAIN\SamAccountName forms: each has a narrower search of its own. */
  private async special(identity: string, forms: IdentityForms, result: Map<string, Map<string, Mailbox>>): Promise<void> {
    const matches = (m: Mailbox): boolean => matchesIdentity(m, forms);
    if (forms.distinguishedName !== null && this.layout.canonicalOf(forms.text) !== null) {
      await this.collect(forms.text, 'base', this.layout.mapping.mailboxes.filter, [identity], matches, result);
    }
    if (forms.canonical !== null) {
      const ouDn = await this.units.dnOf(forms.canonical.ou);
      // A profile's mailboxes may lie deeper than the OU entry (iRedMail: ou=Users below the domain).
      const scope = this.layout.mapping.ownsEntries ? 'one' : 'sub';
      if (ouDn !== null) for (const a of this.attributes('Name')) await this.collect(ouDn, scope, looseTest(a, forms.canonical.name), [identity], matches, result);
    }
    if (forms.domainAccount !== null) {
      for (const a of this.attributes('SamAccountName')) await this.collect(this.layout.mailboxBaseDn, 'sub', looseTest(a, forms.domainAccount.samAccountName), [identity], matches, result);
    }
  }

  /** Runs one search and files each mailbox under every identity of `identities` whose check accepts it. */
  private async collect(
    base: string,
    scope: 'base' | 'one' | 'sub',
    filter: string,
    identities: readonly string[],
    check: (mailbox: Mailbox, identity: string) => boolean,
    result: Map<string, Map<string, Mailbox>>,
  ): Promise<void> {
    const request = { base, scope, filter: and([this.layout.mapping.mailboxes.filter, filter]), attributes: this.mailboxAttributes, missingBaseIsEmpty: true };
    for await (const page of this.connection.search(request)) {
      for (const entry of page) {
        const mailbox = entryToMailbox(entry, this.layout);
        for (const identity of identities) {
          if (check(mailbox, identity)) result.get(identity)?.set(mailbox.DistinguishedName, mailbox);
        }
      }
    }
  }
}

/**
 * An equality test the server answers with a superset of fold()-equality: ASCII text as it is
 * (the server's case-insensitive match is the same, and looser about spaces); text with other
 * characters as a substring test with `*` in their place, since the server's Unicode folding
 * need not agree with fold(). The caller re-checks every candidate.
 */
export function looseTest(attribute: string, text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${attribute}=${escapeValue(text)})`;
  return substringTest(attribute, text.replace(/[^\x21-\x7e]/gu, '*'));
}

/** A wildcard identity on every wildcard attribute; spaces and non-ASCII become `*` too (re-checked). */
function wildcardFilter(pattern: string, attributes: (property: IdentityProperty) => string[]): string {
  const loose = pattern.replace(/[^\x21-\x7e]/gu, '*');
  return `(|${WILDCARD_PROPERTIES.flatMap((property) => attributes(property).map((a) => substringTest(a, loose))).join('')})`;
}

/** `a*b*c` as an RFC 4515 substring test; runs of `*` collapse; all stars is a presence test. */
function substringTest(attribute: string, pattern: string): string {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return `(${attribute}=${escapeValue(pattern)})`;
  const initial = pieces[0] as string;
  const final = pieces[pieces.length - 1] as string;
  const any = pieces.slice(1, -1).filter((piece) => piece !== '');
  if (initial === '' && final === '' && any.length === 0) return `(${attribute}=*)`;
  return `(${attribute}=${[initial, ...any, final].map(escapeValue).join('*')})`;
}
