import { StoreError } from '../../core/errors.js';
import type { LdapConnection } from './connection.js';
import { ResultCode, resultCode } from './errors.js';
import { CONTAINER_CN, type DirectoryLayout } from './layout.js';

/** Layout version of what casctl keeps below the base; bumped when it changes incompatibly. */
export const LAYOUT_VERSION = 1;

/**
 * `casctl init` on LDAP: the base entry (when missing: a dc= base becomes a dcObject +
 * organization, an ou= base an organizationalUnit) and cn=casctl,<base> for the change history
 * and service state. Adding cn=casctl is also where a missing schema shows first.
 */
export async function ensureContainer(connection: LdapConnection, layout: DirectoryLayout, url: string): Promise<void> {
  if ((await connection.read(layout.baseDn, ['objectClass'])) === null) {
    const leaf = layout.base[0];
    const type = leaf?.type.toLowerCase();
    const attributes: Record<string, string[]> | null =
      type === 'dc'
        ? { objectClass: ['top', 'dcObject', 'organization'], dc: [leaf?.value ?? ''], o: [layout.domain] }
        : type === 'ou'
          ? { objectClass: ['top', 'organizationalUnit'], ou: [leaf?.value ?? ''] }
          : null;
    if (attributes === null) throw new StoreError(`The base DN ${layout.baseDn} does not exist; casctl creates only dc= and ou= bases: create it first.`);
    await addUnlessExists(connection, layout.baseDn, attributes, `create the base entry ${layout.baseDn}`);
  }
  await addUnlessExists(
    connection,
    layout.containerDn,
    {
      objectClass: ['top', 'applicationProcess', 'casStore'],
      cn: [CONTAINER_CN],
      casLastChangeId: ['0'],
      casSchemaVersion: [String(LAYOUT_VERSION)],
    },
    `create ${layout.containerDn}`,
  );
  await checkContainer(connection, layout, url);
}

async function addUnlessExists(connection: LdapConnection, dn: string, attributes: Record<string, string[]>, action: string): Promise<void> {
  try {
    await connection.add(dn, attributes);
  } catch (error) {
    if (resultCode(error) !== ResultCode.EntryAlreadyExists) throw connection.fail(error, action);
  }
}

/** Fails with what to do unless the store was initialised by a casctl that understands it. */
export async function checkContainer(connection: LdapConnection, layout: DirectoryLayout, url: string): Promise<void> {
  const container = await connection.read(layout.containerDn, ['casSchemaVersion']);
  if (container === null) {
    const init = `'casctl init --store ${url}'`;
    if ((await connection.read(layout.baseDn, ['objectClass'])) === null) {
      throw new StoreError(`The base DN ${layout.baseDn} does not exist on ${url} (or this bind DN may not read it): create the store with ${init}.`);
    }
    if (!(await schemaLoaded(connection))) {
      throw new StoreError(
        `The LDAP server of ${url} does not know casctl's schema: load schema/casmailbox.schema (slapd.conf: include) or schema/casmailbox.ldif (cn=config), then run ${init}.`,
      );
    }
    throw new StoreError(`${url} is not a casctl directory store yet (no ${layout.containerDn}): run ${init}.`);
  }
  const version = Number(container.first('casSchemaVersion') ?? '0');
  if (version > LAYOUT_VERSION) {
    throw new StoreError(`The directory store ${url} has layout version ${version}, newer than this casctl understands (${LAYOUT_VERSION}). Upgrade casctl.`);
  }
}

/** Whether the server's subschema defines the casMailbox class. */
async function schemaLoaded(connection: LdapConnection): Promise<boolean> {
  const root = await connection.read('', ['subschemaSubentry']);
  const subschema = root?.first('subschemaSubentry') ?? 'cn=Subschema';
  const [schema] = await connection.searchAll({ base: subschema, scope: 'base', filter: '(objectClass=subschema)', attributes: ['objectClasses'], missingBaseIsEmpty: true });
  return (schema?.values('objectClasses') ?? []).some((definition) => /NAME\s+'casMailbox'/i.test(definition));
}
