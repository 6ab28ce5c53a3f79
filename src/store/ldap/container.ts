import { StoreError } from '../../core/errors.js';
import { PROTOCOLS } from '../../core/protocols.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { ResultCode, resultCode } from './errors.js';
import { CONTAINER_CN, type DirectoryLayout } from './layout.js';
import { checkProtocols, PROTOCOL_ATTRIBUTE, protocolsOf, recordProtocols, upgradeProtocols, type UpgradeTarget } from './store-protocols.js';

/**
 * Layout version of what casctl keeps below the base; bumped when it changes incompatibly.
 * 2: cn=casctl records the protocols the entries carry values for (store-protocols.ts), which a
 * casctl of layout 1 would not keep up when it makes a mailbox, so it must refuse such a store.
 */
export const LAYOUT_VERSION = 2;

/**
 * `casctl init` on LDAP: the base entry (when missing: a dc= base becomes a dcObject +
 * organization, an ou= base an organizationalUnit) and cn=casctl,<base> for the change history
 * and service state, recording every protocol of the registry. Adding cn=casctl is also where a
 * missing schema shows first. On an existing store, the protocols it lacks are added to its
 * mailboxes first (store-protocols.ts).
 */
export async function ensureContainer(target: UpgradeTarget): Promise<void> {
  const { connection, layout, url } = target;
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
      [PROTOCOL_ATTRIBUTE]: PROTOCOLS.map((p) => p.name),
    },
    `create ${layout.containerDn}`,
  );
  const container = await readContainer(connection, layout, url);
  const recorded = protocolsOf(container.entry, container.version);
  if (container.version < LAYOUT_VERSION) {
    // One modify: a casctl of layout 1 refuses the store from now on, and the protocols its entries carry are recorded with it.
    await recordProtocols(target, recorded, [{ attribute: 'casSchemaVersion', value: String(LAYOUT_VERSION) }]);
  }
  await upgradeProtocols(target, recorded);
  await checkContainer(connection, layout, url);
}

async function addUnlessExists(connection: LdapConnection, dn: string, attributes: Record<string, string[]>, action: string): Promise<void> {
  try {
    await connection.add(dn, attributes);
  } catch (error) {
    if (resultCode(error) !== ResultCode.EntryAlreadyExists) throw connection.fail(error, action);
  }
}

/** cn=casctl as read, with its layout version; fails with what to do when it is missing or newer than this casctl. */
async function readContainer(connection: LdapConnection, layout: DirectoryLayout, url: string): Promise<{ entry: LdapEntry; version: number }> {
  const container = await connection.read(layout.containerDn, ['casSchemaVersion', PROTOCOL_ATTRIBUTE]);
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
  return { entry: container, version };
}

/**
 * Fails with what to do unless the store was initialised by a casctl that understands it and
 * its mailboxes carry values for every protocol casctl manages. Reads are refused too: a store
 * lacking a protocol's values would read as every mailbox refused it, which is not what Dovecot
 * does until the configuration printed for that protocol is in place.
 */
export async function checkContainer(connection: LdapConnection, layout: DirectoryLayout, url: string): Promise<void> {
  const container = await readContainer(connection, layout, url);
  checkProtocols(url, protocolsOf(container.entry, container.version));
}

/** Whether the server's subschema defines the casMailbox class. */
async function schemaLoaded(connection: LdapConnection): Promise<boolean> {
  const root = await connection.read('', ['subschemaSubentry']);
  const subschema = root?.first('subschemaSubentry') ?? 'cn=Subschema';
  const [schema] = await connection.searchAll({ base: subschema, scope: 'base', filter: '(objectClass=subschema)', attributes: ['objectClasses'], missingBaseIsEmpty: true });
  return (schema?.values('objectClasses') ?? []).some((definition) => /NAME\s+'casMailbox'/i.test(definition));
}
