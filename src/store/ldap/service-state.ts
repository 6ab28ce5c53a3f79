import type { ServiceState } from '../directory-store.js';
import type { LdapConnection } from './connection.js';
import { generalizedTime, isoFromGeneralizedTime } from './entries.js';
import { ResultCode, resultCode } from './errors.js';
import type { DirectoryLayout } from './layout.js';

/** When each protocol service last refreshed: a casServiceState entry per service below cn=casctl. */
export async function serviceStates(connection: LdapConnection, layout: DirectoryLayout): Promise<Map<string, ServiceState>> {
  const entries = await connection.searchAll({
    base: layout.containerDn,
    scope: 'one',
    filter: '(objectClass=casServiceState)',
    attributes: ['cn', 'casRefreshedThrough', 'casRefreshedAt'],
    missingBaseIsEmpty: true,
  });
  const states = new Map<string, ServiceState>();
  for (const entry of entries) {
    const name = entry.first('cn');
    if (name === null) continue;
    const at = isoFromGeneralizedTime(entry.first('casRefreshedAt'));
    states.set(name, { refreshedThrough: Number(entry.first('casRefreshedThrough') ?? '0'), refreshedAt: at === '' ? null : at });
  }
  return states;
}

/**
 * Never moves a service's mark backwards (a slow refresh finishing late must not hide newer
 * changes): the new mark is written by deleting the value read and adding the new one in one
 * modify, which fails if another host moved it meanwhile; then it is read again.
 */
export async function markServicesRefreshed(
  connection: LdapConnection,
  layout: DirectoryLayout,
  names: readonly string[],
  throughChangeId: number,
  when: Date,
): Promise<void> {
  const at = generalizedTime(when);
  for (const name of names) {
    const dn = layout.serviceDn(name);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 50) throw connection.fail(new Error('the mark kept changing under casctl'), `update ${dn}`);
      const entry = await connection.read(dn, ['casRefreshedThrough']);
      try {
        if (entry === null) {
          await connection.add(dn, {
            objectClass: ['top', 'casServiceState'],
            cn: [name],
            casRefreshedThrough: [String(throughChangeId)],
            casRefreshedAt: [at],
          });
        } else {
          const current = Number(entry.first('casRefreshedThrough') ?? '0');
          const mark =
            throughChangeId > current
              ? [
                  { operation: 'delete' as const, attribute: 'casRefreshedThrough', values: [String(current)] },
                  { operation: 'add' as const, attribute: 'casRefreshedThrough', values: [String(throughChangeId)] },
                ]
              : [];
          await connection.modify(dn, [...mark, { operation: 'replace', attribute: 'casRefreshedAt', values: [at] }]);
        }
        break;
      } catch (error) {
        const code = resultCode(error);
        if (code === ResultCode.EntryAlreadyExists || code === ResultCode.NoSuchAttribute || code === ResultCode.NoSuchObject) continue;
        throw connection.fail(error, `record the refresh of ${name} in ${dn}`);
      }
    }
  }
}
