import { StoreError } from '../../core/errors.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { ResultCode, resultCode } from './errors.js';

/**
 * Change ids come from one counter. With several providers (OpenLDAP multi-provider), two admins
 * writing to two providers at once both get "change 17", and replication keeps one of the two
 * records: a change vanishes from the history. So one provider hands ids out: the first that
 * does so (with a server ID) is recorded on cn=casctl, `description: casctl-writer sid=001`, and
 * a change that reaches another provider is refused. A single provider without a server ID
 * (sid 000: no multi-provider replication) is never marked.
 */
export const WRITER_ATTRIBUTE = 'description';
const WRITER_PREFIX = 'casctl-writer sid=';
const NO_SERVER_ID = '000';

/** The server ID in a CSN (`20261202101500.123456Z#000000#001#000000`): the provider that made the change. */
export function serverIdOf(csn: string | null): string | null {
  return csn?.split('#')[2] ?? null;
}

function markedWriter(container: LdapEntry): string | undefined {
  return container.values(WRITER_ATTRIBUTE).find((value) => value.startsWith(WRITER_PREFIX))?.slice(WRITER_PREFIX.length);
}

/**
 * After the counter moved: the server ID of the provider that took the write (the container's
 * entryCSN now) must be the recorded writer's; none recorded yet, it becomes the writer. The id
 * just taken is lost on refusal (ids may have gaps), and no record is written under it.
 */
export async function checkSingleWriter(connection: LdapConnection, containerDn: string, before: LdapEntry): Promise<void> {
  const after = await connection.read(containerDn, ['entryCSN', WRITER_ATTRIBUTE]);
  const sid = serverIdOf(after?.first('entryCSN') ?? null);
  if (sid === null || sid === NO_SERVER_ID) return;
  const writer = markedWriter(after ?? before);
  if (writer === undefined) {
    try {
      await connection.modify(containerDn, [{ operation: 'add', attribute: WRITER_ATTRIBUTE, values: [`${WRITER_PREFIX}${sid}`] }]);
      return;
    } catch (error) {
      if (resultCode(error) !== ResultCode.AttributeOrValueExists) throw connection.fail(error, `record the writing provider on ${containerDn}`);
      const now = await connection.read(containerDn, [WRITER_ATTRIBUTE]);
      if (now !== null && markedWriter(now) === sid) return;
      throw refusal(connection, containerDn, sid, now === null ? '?' : (markedWriter(now) ?? '?'));
    }
  }
  if (writer !== sid) throw refusal(connection, containerDn, sid, writer);
}

function refusal(connection: LdapConnection, containerDn: string, sid: string, writer: string): StoreError {
  return new StoreError(
    `${connection.serverUrl} (server ID ${sid}) is not the provider that writes casctl's changes: ${containerDn} names server ID ${writer}. ` +
      'With several providers, two could hand out the same change id and one change would vanish from the history, so casctl writes through one only: ' +
      `make that provider the store URL. Nothing was changed. If it is gone for good, hand the role over by deleting "${WRITER_PREFIX}${writer}" ` +
      `from the description of ${containerDn} (ldapmodify); the next change then records its own provider.`,
  );
}
