import { netbiosDomain } from '../../core/distinguished-name.js';
import { fold, type Mailbox } from '../../core/mailbox.js';
import { matchesWildcard } from '../../filter/text.js';
import { escapeValue } from '../../filter/to-ldap.js';
import type { LdapConnection } from './connection.js';
import { MAILBOX_ATTRIBUTES, MAILBOX_CLASS_FILTER, entryToMailbox } from './entries.js';
import { keyOfDn, type DirectoryLayout } from './layout.js';
import { and } from './mailbox-search.js';
import type { OrganizationalUnits } from './organizational-units.js';

/** Attributes an exact identity is looked up in (the DN, canonical and DOMAIN\sam forms have their own lookups). */
const EXACT_ATTRIBUTES = ['casGuid', 'cn', 'uid', 'casSamAccountName', 'casUserPrincipalName', 'mail', 'casEmailAddress'];
/** Attributes `*` wildcards look in, as on SQLite: Name, Alias, DisplayName, SamAccountName, UPN, addresses. */
const WILDCARD_ATTRIBUTES = ['cn', 'uid', 'displayName', 'casSamAccountName', 'casUserPrincipalName', 'casEmailAddress'];
/** Identities per search: their equality tests go out as one OR. */
const IDENTITIES_PER_SEARCH = 25;

/**
 * Resolves identities as Exchange's -Identity does (and the SQLite store, identities.ts): exactly
 * and case-insensitively against Guid, DistinguishedName, Name, Alias, SamAccountName,
 * UserPrincipalName, any address, the canonical name and `DOMAIN\SamAccountName`; `*` wildcards
 * when asked. The server is asked for a superset (its matching ignores extra spaces, and
 * non-ASCII text is sent as wildcards, see looseTest) and every candidate is re-checked here with
 * fold(), so the result is exactly what the SQLite store returns. Every value sent is escaped.
 */
export class IdentityResolver {
  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
    private readonly units: OrganizationalUnits,
  ) {}

  async resolve(identities: readonly string[], wildcards: boolean): Promise<Map<string, Mailbox[]>> {
    const result = new Map<string, Map<string, Mailbox>>();
    const exact: string[] = [];
    for (const identity of identities) {
      if (result.has(identity)) continue;
      result.set(identity, new Map());
      const text = identity.trim();
      if (text === '') continue;
      if (wildcards && text.includes('*')) {
        await this.collect(this.layout.baseDn, 'sub', wildcardFilter(text), [identity], (m) => matchesIdentityPattern(m, text), result);
        continue;
      }
      exact.push(identity);
      await this.special(identity, text, result);
    }
    for (let i = 0; i < exact.length; i += IDENTITIES_PER_SEARCH) {
      const batch = exact.slice(i, i + IDENTITIES_PER_SEARCH);
      const tests = batch.flatMap((identity) => EXACT_ATTRIBUTES.map((attribute) => looseTest(attribute, identity.trim())));
      await this.collect(this.layout.baseDn, 'sub', `(|${tests.join('')})`, batch, (m, identity) => matchesExactly(m, identity.trim()), result);
    }
    return new Map([...result].map(([identity, found]) => [identity, [...found.values()]]));
  }

  /** The DN, canonical-name and DOMAIN\SamAccountName forms. */
  private async special(identity: string, text: string, result: Map<string, Map<string, Mailbox>>): Promise<void> {
    const key = keyOfDn(text);
    if (key !== null && text.includes('=') && this.layout.canonicalOf(text) !== null) {
      await this.collect(text, 'base', MAILBOX_CLASS_FILTER, [identity], (m) => keyOfDn(m.DistinguishedName) === key, result);
    }
    const slash = text.lastIndexOf('/');
    if (slash > 0) {
      const ou = text.slice(0, slash);
      const name = text.slice(slash + 1);
      const ouDn = await this.units.dnOf(ou);
      if (ouDn !== null && name !== '') {
        const check = (m: Mailbox): boolean => fold(m.OrganizationalUnit) === fold(ou) && fold(m.Name) === fold(name);
        await this.collect(ouDn, 'one', looseTest('cn', name), [identity], check, result);
      }
    }
    const account = /^([^\\/]+)\\([^\\/]+)$/.exec(text);
    if (account !== null) {
      const [, domainPart = '', sam = ''] = account;
      const check = (m: Mailbox): boolean => {
        const domain = (m.OrganizationalUnit.split('/')[0] ?? '').toLowerCase();
        return fold(m.SamAccountName) === fold(sam) && (fold(domainPart) === domain || domainPart.toUpperCase() === netbiosDomain(domain));
      };
      await this.collect(this.layout.baseDn, 'sub', looseTest('casSamAccountName', sam), [identity], check, result);
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
    const request = { base, scope, filter: and([MAILBOX_CLASS_FILTER, filter]), attributes: MAILBOX_ATTRIBUTES, missingBaseIsEmpty: true };
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

function matchesExactly(mailbox: Mailbox, text: string): boolean {
  const wanted = fold(text);
  const values = [
    mailbox.Guid, mailbox.Name, mailbox.Alias, mailbox.SamAccountName, mailbox.UserPrincipalName, mailbox.PrimarySmtpAddress,
    ...mailbox.EmailAddresses,
  ];
  return values.some((value) => fold(value) === wanted);
}

function matchesIdentityPattern(mailbox: Mailbox, pattern: string): boolean {
  const folded = fold(pattern);
  const values = [mailbox.Name, mailbox.Alias, mailbox.DisplayName, mailbox.SamAccountName, mailbox.UserPrincipalName, ...mailbox.EmailAddresses];
  return values.some((value) => value !== '' && matchesWildcard(fold(value), folded));
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
function wildcardFilter(pattern: string): string {
  const loose = pattern.replace(/[^\x21-\x7e]/gu, '*');
  return `(|${WILDCARD_ATTRIBUTES.map((attribute) => substringTest(attribute, loose)).join('')})`;
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
