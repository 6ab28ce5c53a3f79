import { netbiosDomain } from './distinguished-name.js';
import { keyOfDn } from './dn-syntax.js';
import { fold, isAscii, type Mailbox } from './mailbox.js';
import { matchesWildcard } from '../filter/text.js';

/**
 * Exchange's -Identity (DESIGN.md §3), the same on every store: what an identity's text may be,
 * and whether a mailbox is one it names. A driver's query only narrows the candidates (its
 * indexes, its server's matching); matchesIdentity decides, so every store returns the same.
 */

/** The fields matchesIdentity reads: a driver's candidate query must return them. */
export const IDENTITY_FIELDS = [
  'Guid', 'DistinguishedName', 'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName',
  'PrimarySmtpAddress', 'EmailAddresses', 'OrganizationalUnit',
] as const satisfies readonly (keyof Mailbox)[];
export type IdentityFields = Pick<Mailbox, (typeof IDENTITY_FIELDS)[number]>;
export type IdentityProperty = Exclude<(typeof IDENTITY_FIELDS)[number], 'DistinguishedName' | 'OrganizationalUnit'>;

/** What an exact identity equals (the DN, canonical and DOMAIN\account forms aside). */
export const EXACT_PROPERTIES = [
  'Guid', 'Name', 'Alias', 'SamAccountName', 'UserPrincipalName', 'PrimarySmtpAddress', 'EmailAddresses',
] as const satisfies readonly IdentityProperty[];
/** What text with an `@` equals: the address forms only (the SQLite store's address lookups rely on it). */
export const ADDRESS_PROPERTIES = ['UserPrincipalName', 'PrimarySmtpAddress', 'EmailAddresses'] as const satisfies readonly IdentityProperty[];
/** What a `*` wildcard looks in: the names an admin types, not the Guid. */
export const WILDCARD_PROPERTIES = [
  'Name', 'Alias', 'DisplayName', 'SamAccountName', 'UserPrincipalName', 'EmailAddresses',
] as const satisfies readonly IdentityProperty[];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The forms one identity's text may be; a text may be several (a Name may hold a `/`). */
export interface IdentityForms {
  /** The text, surrounding spaces removed. */
  readonly text: string;
  readonly folded: string;
  /** ASCII only: SQLite's NOCASE and a server's matching fold it as fold() does; other text they need not. */
  readonly ascii: boolean;
  /** A `*` pattern, folded: when set, the identity is this pattern and nothing else. */
  readonly wildcard: string | null;
  readonly guid: boolean;
  /** The DN's comparison key, when the text is a DN. */
  readonly distinguishedName: string | null;
  /** `tailspintoys.com/North America/Finance/Rand Zaher`: the OU's canonical name and the Name. */
  readonly canonical: { readonly ou: string; readonly name: string } | null;
  /** `TAILSPINTOYS\rzaher` or `tailspintoys.com\rzaher`. */
  readonly domainAccount: { readonly domain: string; readonly samAccountName: string } | null;
  /** Text with an `@` can only be an address or a UPN. */
  readonly address: boolean;
}

/** The forms of one identity; null for blank text, which names nothing. */
export function parseIdentity(identity: string, wildcards: boolean): IdentityForms | null {
  const text = identity.trim();
  if (text === '') return null;
  const folded = fold(text);
  const ascii = isAscii(text);
  const address = text.includes('@');
  if (wildcards && text.includes('*')) {
    return { text, folded, ascii, address, wildcard: folded, guid: false, distinguishedName: null, canonical: null, domainAccount: null };
  }
  // One literal of one shape (no spreads): a 100k-line identity file parses each line.
  const slash = text.lastIndexOf('/');
  const account = text.includes('\\') ? /^([^\\/]+)\\([^\\/]+)$/.exec(text) : null;
  return {
    text,
    folded,
    ascii,
    address,
    wildcard: null,
    guid: text.length === 36 && GUID.test(text),
    distinguishedName: text.includes('=') ? keyOfDn(text) : null,
    canonical: slash > 0 && slash < text.length - 1 ? { ou: text.slice(0, slash), name: text.slice(slash + 1) } : null,
    domainAccount: account === null ? null : { domain: account[1] as string, samAccountName: account[2] as string },
  };
}

/** The properties an exact identity is compared with. */
export function exactProperties(forms: IdentityForms): readonly IdentityProperty[] {
  if (forms.address) return ADDRESS_PROPERTIES;
  return forms.guid ? EXACT_PROPERTIES : EXACT_PROPERTIES.filter((property) => property !== 'Guid');
}

/** Does the identity name this mailbox? */
export function matchesIdentity(mailbox: IdentityFields, forms: IdentityForms): boolean {
  if (forms.wildcard !== null) {
    const pattern = forms.wildcard;
    return identityValues(mailbox, WILDCARD_PROPERTIES).some((value) => value !== '' && matchesWildcard(fold(value), pattern));
  }
  if (identityValues(mailbox, exactProperties(forms)).some((value) => fold(value) === forms.folded)) return true;
  if (fold(mailbox.DistinguishedName) === forms.folded) return true;
  if (forms.distinguishedName !== null && keyOfDn(mailbox.DistinguishedName) === forms.distinguishedName) return true;
  const { canonical, domainAccount } = forms;
  if (canonical !== null && fold(mailbox.OrganizationalUnit) === fold(canonical.ou) && fold(mailbox.Name) === fold(canonical.name)) return true;
  return domainAccount !== null && fold(mailbox.SamAccountName) === fold(domainAccount.samAccountName) && inDomain(mailbox, domainAccount.domain);
}

/** `TAILSPINTOYS` or `tailspintoys.com`: the mailbox's DNS domain or its NetBIOS-style name. */
function inDomain(mailbox: IdentityFields, domainPart: string): boolean {
  const domain = fold(mailbox.OrganizationalUnit.split('/')[0] ?? '');
  return fold(domainPart) === domain || domainPart.toUpperCase() === netbiosDomain(domain);
}

function identityValues(mailbox: IdentityFields, properties: readonly IdentityProperty[]): string[] {
  return properties.flatMap((property) => mailbox[property]);
}
