import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { refusesAdministrator } from '../../core/administrator.js';
import { PROTOCOLS } from '../../core/protocols.js';
import type { LdapConnection } from './connection.js';
import type { DirectoryLayout } from './layout.js';
import { administratorTest, mappedAttributes, switchValues } from './mapping.js';
import { and } from './mailbox-search.js';

/** The NAMEs a subschema definition gives: `NAME 'a'` or `NAME ( 'a' 'b' )`. */
function namesOf(definition: string): string[] {
  const match = /NAME\s+(\([^)]*\)|'[^']*')/i.exec(definition);
  return match === null ? [] : [...(match[1] as string).matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
}

/** The object classes a filter names in `(objectClass=X)` tests. */
function classesIn(filter: string): string[] {
  return [...filter.matchAll(/\(objectClass=([^)*]+)\)/gi)].map((m) => m[1] as string);
}

/**
 * A profile must name what the server defines: an attribute or object class it lacks would read
 * as every mailbox empty or refused, or fail on the first write. Read from the server's
 * subschema (RFC 4512) once, at open, and reported all at once with what each was for.
 */
export async function checkMappedSchema(connection: LdapConnection, layout: DirectoryLayout, url: string): Promise<void> {
  const { mapping } = layout;
  const root = await connection.read('', ['subschemaSubentry']);
  const subschema = root?.first('subschemaSubentry') ?? 'cn=Subschema';
  const [schema] = await connection.searchAll({ base: subschema, scope: 'base', filter: '(objectClass=subschema)', attributes: ['attributeTypes', 'objectClasses'], missingBaseIsEmpty: true });
  if (schema === undefined) throw new StoreError(`Cannot read the subschema of ${url} (${subschema}) to check the LDAP profile '${mapping.profile ?? ''}': let the bind DN read it.`);
  const attributes = new Set(schema.values('attributeTypes').flatMap(namesOf).map(fold));
  const classes = new Set(schema.values('objectClasses').flatMap(namesOf).map(fold));
  const missing = [...mappedAttributes(mapping)].filter(([name]) => !attributes.has(fold(name))).map(([name, what]) => `attribute ${name} (${what})`);
  for (const filter of [mapping.mailboxes.filter, mapping.organizationalUnits.filter]) {
    for (const name of classesIn(filter)) if (!classes.has(fold(name))) missing.push(`object class ${name} (in ${filter})`);
  }
  if (missing.length > 0) {
    throw new StoreError(
      `The LDAP profile '${mapping.profile ?? ''}' names what the server of ${url} does not define: ${missing.join(', ')}. Load the directory's schema, or correct the profile.`,
    );
  }
}

/**
 * A profile's Administrator reads as refused for POP3 and IMAP4 (DESIGN.md §2), but the
 * deployment's own Dovecot does not know casctl's rule: while such a mailbox still holds the
 * switch values, casctl's reading would be false. So the store refuses to open until they are gone.
 */
export async function checkMappedAdministrators(connection: LdapConnection, layout: DirectoryLayout): Promise<void> {
  const { mapping } = layout;
  const marker = administratorTest(mapping);
  if (marker === null) return;
  const held = PROTOCOLS.filter(refusesAdministrator).flatMap((p) => switchValues(mapping, p.name) ?? []).map((v) => `(${mapping.switches.attribute}=${v})`);
  if (held.length === 0) return;
  const filter = and([mapping.mailboxes.filter, marker, `(|${held.join('')})`]);
  const found = await connection.searchAll({ base: layout.mailboxBaseDn, scope: mapping.mailboxes.scope, filter, attributes: ['1.1'], missingBaseIsEmpty: true });
  if (found.length === 0) return;
  const names = found.slice(0, 5).map((entry) => entry.dn).join('; ');
  throw new StoreError(
    `${found.length} mailbox${found.length === 1 ? ' is' : 'es are'} marked the Administrator by the LDAP profile '${mapping.profile ?? ''}' (${mapping.administrator?.attribute ?? ''}: ${mapping.administrator?.value ?? ''}) but still hold${found.length === 1 ? 's' : ''} POP3 or IMAP4 ${mapping.switches.attribute} values, which the deployment's Dovecot admits: ${names}${found.length > 5 ? '; ...' : ''}. Remove those values (ldapmodify), or drop the marker from the profile.`,
  );
}
