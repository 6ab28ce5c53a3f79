import { StoreError } from '../../core/errors.js';
import { PROTOCOLS } from '../../core/protocols.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { ResultCode, isSchemaProblem, resultCode } from './errors.js';
import { CONTAINER_CN, type DirectoryLayout } from './layout.js';
import { BUILT_IN_PROFILES } from './profiles.js';
import { checkProtocols, PROTOCOL_ATTRIBUTE, protocolsOf, recordProtocols, upgradeProtocols, type UpgradeTarget } from './store-protocols.js';

/**
 * Layout version of what casctl keeps below the base; bumped when it changes incompatibly.
 * 2: cn=casctl records the protocols the entries carry values for (store-protocols.ts), which a
 * casctl of layout 1 would not keep up when it makes a mailbox, so it must refuse such a store.
 */
export const LAYOUT_VERSION = 2;

/** Where cn=casctl records the profile a mapped store was set up with (schema/casmailbox.schema). */
export const PROFILE_ATTRIBUTE = 'casProfile';

/**
 * `casctl init` on LDAP: the base entry (when missing: a dc= base becomes a dcObject +
 * organization, an ou= base an organizationalUnit) and cn=casctl,<base> for the change history
 * and service state, recording every protocol of the registry. Adding cn=casctl is also where a
 * missing schema shows first. On an existing store, the protocols it lacks are added to its
 * mailboxes first (store-protocols.ts).
 */
export async function ensureContainer(target: UpgradeTarget): Promise<void> {
  const { connection, layout, url } = target;
  if (layout.mapping.profile !== null) {
    await ensureMappedContainer(connection, layout, url);
    return;
  }
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

/**
 * `casctl init --profile` on a directory the admin made: only cn=casctl is added, recording the
 * profile, and nothing else is touched (no base entry made, no value added to a mailbox).
 */
async function ensureMappedContainer(connection: LdapConnection, layout: DirectoryLayout, url: string): Promise<void> {
  const profile = layout.mapping.profile as string;
  if ((await connection.read(layout.baseDn, ['objectClass'])) === null) {
    throw new StoreError(`The base DN ${layout.baseDn} does not exist on ${url} (or this bind DN may not read it): a profile maps an existing directory; name its suffix.`);
  }
  const attributes = { objectClass: ['top', 'applicationProcess', 'casStore'], cn: [CONTAINER_CN], casLastChangeId: ['0'], casSchemaVersion: [String(LAYOUT_VERSION)], [PROFILE_ATTRIBUTE]: [profile] };
  try {
    await connection.add(layout.containerDn, attributes);
  } catch (error) {
    if (resultCode(error) === ResultCode.EntryAlreadyExists) return;
    if (isSchemaProblem(error)) {
      throw new StoreError(
        `The LDAP server of ${url} does not know casctl's schema, which its history and service state below ${layout.containerDn} need beside the mapped entries: load schema/casmailbox.schema (slapd.conf: include) or schema/casmailbox.ldif (cn=config), then run 'casctl init --profile ${profile}' again.`,
      );
    }
    throw connection.fail(error, `create ${layout.containerDn}`);
  }
}

/** The profile cn=casctl records: its name, null for casctl's own schema, undefined when there is no cn=casctl. */
export async function recordedProfile(connection: LdapConnection, layout: DirectoryLayout): Promise<string | null | undefined> {
  const container = await connection.read(layout.containerDn, [PROFILE_ATTRIBUTE]);
  return container === null ? undefined : container.first(PROFILE_ATTRIBUTE);
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
    const profile = layout.mapping.profile;
    const init = `'casctl init --store ${url}${profile === null ? '' : ` --profile ${profile}`}'`;
    if ((await connection.read(layout.baseDn, ['objectClass'])) === null) {
      throw new StoreError(`The base DN ${layout.baseDn} does not exist on ${url} (or this bind DN may not read it): create the store with ${init}.`);
    }
    if (!(await schemaLoaded(connection, profile === null ? 'casMailbox' : 'casStore'))) {
      throw new StoreError(
        `The LDAP server of ${url} does not know casctl's schema: load schema/casmailbox.schema (slapd.conf: include) or schema/casmailbox.ldif (cn=config), then run ${init}.`,
      );
    }
    throw new StoreError(`${url} is not a casctl directory store yet (no ${layout.containerDn}): run ${init}.${profile === null ? await profileHint(connection, url, layout.containerDn) : ''}`);
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
  // A profile's entries carry the directory's own values, not casctl's protocol record.
  if (layout.mapping.profile === null) checkProtocols(url, protocolsOf(container.entry, container.version));
}

/** For a directory a built-in profile fits (its mailbox class is defined): how to manage it in place instead. */
async function profileHint(connection: LdapConnection, url: string, containerDn: string): Promise<string> {
  for (const [name, mapping] of BUILT_IN_PROFILES) {
    const [, objectClass] = /^\(objectClass=([^)]+)\)$/i.exec(mapping.mailboxes.filter) ?? [];
    if (objectClass !== undefined && (await schemaLoaded(connection, objectClass))) {
      return ` If it is an existing ${name} directory, manage it in place with 'casctl init --store ${url} --profile ${name}' (only ${containerDn} is added).`;
    }
  }
  return '';
}

/** Whether the server's subschema defines the object class `name`. */
async function schemaLoaded(connection: LdapConnection, name: string): Promise<boolean> {
  const root = await connection.read('', ['subschemaSubentry']);
  const subschema = root?.first('subschemaSubentry') ?? 'cn=Subschema';
  const [schema] = await connection.searchAll({ base: subschema, scope: 'base', filter: '(objectClass=subschema)', attributes: ['objectClasses'], missingBaseIsEmpty: true });
  return (schema?.values('objectClasses') ?? []).some((definition) => new RegExp(`NAME\\s+'${name}'`, 'i').test(definition));
}
