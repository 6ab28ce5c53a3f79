/**
 * A private, real OpenLDAP slapd for the LDAP store's tests (shared/recipes/openldap/slapd.conf):
 * its own slapd.conf, mdb database and pidfile in a temp dir, 127.0.0.1 only, a port the OS hands
 * out, the casctl schema from schema/casmailbox.schema.
 *
 *   const slapd = await startSlapd();
 *   const store = await openStore(slapd.storeUrl, ROOT, { create: true, env: slapd.env('service') });
 *   ...
 *   await slapd.stop();
 *
 * Three accounts, random passwords per instance (tests grep output for them):
 * - `admin`: the rootdn, no limits (seeding, inspecting).
 * - `service` (cn=casadmin): casctl's service account, may write everything; its size limit is
 *   50 entries for a plain search but unlimited for a paged one (size.prtotal=unlimited), so a
 *   test that reads more than 50 entries through it proves casctl pages.
 * - `reader` (cn=casreader): may read, not write; 50 entries at most even when paging.
 * Entries named `cn=Protected ...` are read-only for everyone but the rootdn (per-entry failures).
 *
 * Tests skip when slapd is missing only on a developer's machine: with CI set, a missing slapd
 * fails (startSlapd throws), so a CI run never goes green by skipping everything.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { ROOT } from './cli.js';
import { freePort } from './dovecot.js';
import { SBIN, run, running, stopDaemon, trackDaemon, which } from './daemon.js';

export interface SlapdAccount {
  dn: string;
  password: string;
}

export type AccountName = 'admin' | 'service' | 'reader';

export interface Slapd {
  /** The temp dir: slapd.conf, data/, run/. */
  dir: string;
  port: number;
  /** `ldap://127.0.0.1:PORT` */
  serverUrl: string;
  /** `dc=tailspintoys,dc=com` */
  suffix: string;
  /** `ldap://127.0.0.1:PORT/dc=tailspintoys,dc=com`, the casctl store URL. */
  storeUrl: string;
  accounts: Record<AccountName, SlapdAccount>;
  /** With `tls`: the CA file that signed the server certificate, and the ldaps:// server URL. */
  tls?: { caFile: string; ldapsUrl: string };
  pid: number;
  /** CASCTL_LDAP_BIND_DN and CASCTL_LDAP_PASSWORD for an account (default: the service account). */
  env(account?: AccountName): NodeJS.ProcessEnv;
  /** A connected ldapts client bound as an account, for seeding and inspecting. */
  client(account?: AccountName): Promise<Client>;
  /** SIGTERM the PID in the pidfile, wait until it is gone (SIGKILL after a few seconds), remove the temp dir. */
  stop(): Promise<void>;
}

export interface StartSlapdOptions {
  /** Load schema/casmailbox.schema (default true); false gives a server without it. */
  schema?: boolean;
  /** More schema files to include after it (absolute paths): a directory shaped like another product's. */
  extraSchemas?: readonly string[];
  suffix?: string;
  /** TLS: a throwaway CA and server certificate for 127.0.0.1; StartTLS on the ldap:// port and an ldaps:// port. */
  tls?: boolean;
  /** Flush every write to disk as production does (default false: dbnosync, test data is thrown away). */
  sync?: boolean;
  /** How long to wait for the root DSE to answer; default 10 s. */
  startTimeoutMs?: number;
  /** Syncrepl: serve changes to replicas, take them from other servers, or both (multi-provider). */
  replication?: SlapdReplication;
  /** Another instance's accounts: a replica receives the provider's entries, so it takes its bind DNs and passwords. */
  accounts?: Record<AccountName, SlapdAccount>;
  /** Start with no entries, not even the accounts: a replica receives them. Default: for a read-only replica. */
  empty?: boolean;
  /** The port to listen on (a multi-provider pair must know each other's before either starts); default: one the OS hands out. */
  port?: number;
}

/**
 * - provider: the syncprov overlay, so replicas can follow this server.
 * - from: the server URLs to replicate from (refreshAndPersist, as the rootdn); such a server
 *   starts empty and receives every entry from them.
 * - readOnly: with `from`, a consumer that refers writes to from[0] (olcUpdateRef).
 * - serverId: this server's ID (multi-provider: each its own, with `provider` and `from`).
 */
export interface SlapdReplication {
  provider?: boolean;
  from?: readonly string[];
  readOnly?: boolean;
  serverId?: number;
}

function replicationLines(replication: SlapdReplication | undefined, suffix: string, admin: SlapdAccount): { global: string; database: string } {
  if (replication === undefined) return { global: '', database: '' };
  const from = replication.from ?? [];
  const syncrepl = from.map(
    (url, i) =>
      `syncrepl rid=${String(i + 1).padStart(3, '0')} provider=${url} bindmethod=simple binddn="${admin.dn}" credentials=${admin.password}\n` +
      `    searchbase="${suffix}" type=refreshAndPersist retry="1 +" timeout=3 schemachecking=off`,
  );
  const database = [
    'index     entryCSN,entryUUID eq',
    ...syncrepl,
    ...(replication.readOnly === true && from[0] !== undefined ? [`updateref ${from[0]}`] : []),
    ...(replication.provider === true && from.length > 0 ? ['multiprovider on'] : []),
    ...(replication.provider === true ? ['overlay   syncprov', 'syncprov-checkpoint 100 1'] : []),
  ].join('\n');
  return { global: replication.serverId === undefined ? '' : `serverID ${replication.serverId}`, database };
}

const SCHEMA_DIRS = ['/etc/ldap/schema', '/etc/openldap/schema', '/usr/local/etc/openldap/schema'];
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap', '/usr/local/libexec/openldap'];


export function slapdAvailable(): boolean {
  return which('slapd') !== undefined && which('slapadd') !== undefined;
}

/** For `describe(..., { skip: slapdSkipReason() })`: skip only on a developer's machine without slapd. */
export function slapdSkipReason(): string | false {
  if (slapdAvailable()) return false;
  if (process.env.CI !== undefined && process.env.CI !== '') return false;
  return 'OpenLDAP slapd is not installed (apt-get install slapd ldap-utils); skipped because CI is not set';
}

function configuration(
  dir: string,
  suffix: string,
  schema: boolean,
  sync: boolean,
  tls: boolean,
  accounts: Record<AccountName, SlapdAccount>,
  extraSchemas: readonly string[],
  replication?: SlapdReplication,
): string {
  const replicated = replicationLines(replication, suffix, accounts.admin);
  const schemaDir = SCHEMA_DIRS.find((d) => existsSync(join(d, 'core.schema'))) ?? SCHEMA_DIRS[0];
  const moduleDir = MODULE_DIRS.find((d) => existsSync(join(d, 'back_mdb.la')) || existsSync(join(d, 'back_mdb.so')));
  const service = accounts.service.dn;
  return `# generated by test/helpers/slapd.ts from shared/recipes/openldap/slapd.conf
include   ${schemaDir}/core.schema
include   ${schemaDir}/cosine.schema
include   ${schemaDir}/inetorgperson.schema
include   ${schemaDir}/nis.schema
${schema ? `include   ${join(ROOT, 'schema', 'casmailbox.schema')}` : '# casmailbox.schema deliberately not loaded'}
${extraSchemas.map((file) => `include   ${file}`).join('\n')}

pidfile   ${dir}/run/slapd.pid
argsfile  ${dir}/run/slapd.args
${moduleDir === undefined ? '' : `modulepath ${moduleDir}\nmoduleload back_mdb${replication?.provider === true ? '\nmoduleload syncprov' : ''}`}
${replicated.global}
loglevel  none
threads   8
${tls ? `TLSCACertificateFile ${dir}/tls/ca.pem\nTLSCertificateFile ${dir}/tls/server.pem\nTLSCertificateKeyFile ${dir}/tls/server.key` : ''}
# every bind but the service account: 50 entries, paged or not (proves the size-limit error)
sizelimit 50

database  mdb
suffix    "${suffix}"
rootdn    "${accounts.admin.dn}"
rootpw    ${accounts.admin.password}
directory ${dir}/data
maxsize   1073741824
${sync ? '# writes flushed to disk, as in production' : '# dbnosync: test data is thrown away; writes are disk-flush bound otherwise\ndbnosync'}
# the service account: 50 entries for a plain search, no limit for a paged one (proves paging)
limits    dn.exact="${service}" size.soft=50 size.hard=50 size.prtotal=unlimited time=unlimited
# entries named "Protected ..." are read-only even for the service account (per-entry failures)
access to dn.regex="^cn=Protected [^,]+,.*$"
    by * read
access to attrs=userPassword
    by dn.exact="${service}" write
    by anonymous auth
    by * none
access to *
    by dn.exact="${service}" write
    by * read
index     objectClass eq
index     cn,uid,mail eq,sub
index     departmentNumber eq,sub
index     st eq
${schema ? 'index     casGuid,casEnabledService,casEmailAddress,casSamAccountName,casUserPrincipalName eq\nindex     casChangeId,casChangeGuid,casChangeState eq' : ''}
${replicated.database}
`;
}

function seed(suffix: string, accounts: Record<AccountName, SlapdAccount>): string {
  const [first] = suffix.split(',');
  const dc = (first ?? '').replace(/^dc=/i, '');
  const account = (which: AccountName): string => {
    const cn = (accounts[which].dn.split(',')[0] ?? '').replace(/^cn=/i, '');
    return `dn: ${accounts[which].dn}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\ncn: ${cn}\nuserPassword: ${accounts[which].password}\n`;
  };
  return `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${dc}\no: ${dc}\n\n${account('service')}\n${account('reader')}\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


function readPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, 'run', 'slapd.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function bound(serverUrl: string, account: SlapdAccount | undefined): Promise<Client> {
  const client = new Client({ url: serverUrl, timeout: 5000, connectTimeout: 2000 });
  if (account !== undefined) await client.bind(account.dn, account.password);
  return client;
}

/** Answers a root DSE search? */
async function answers(serverUrl: string): Promise<boolean> {
  const client = await bound(serverUrl, undefined);
  try {
    const result = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['namingContexts'] });
    return result.searchEntries.length === 1;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost. */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = which('openssl');
  if (openssl === undefined) throw new Error('openssl is needed for a TLS test slapd');
  mkdirSync(dir);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  const steps: string[][] = [
    ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/CN=casctl test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ['req', ...ec, '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.csr'), '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', join(dir, 'server.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial',
      '-out', join(dir, 'server.pem'), '-days', '2', '-extfile', join(dir, 'server.ext')],
  ];
  for (const args of steps) {
    const result = await run(openssl, args);
    if (result.code !== 0) throw new Error(`openssl ${args[0]} failed (exit ${result.code}):\n${result.output}`);
  }
}

export async function startSlapd(options: StartSlapdOptions = {}): Promise<Slapd> {
  const slapd = which('slapd');
  const slapadd = which('slapadd');
  if (slapd === undefined || slapadd === undefined) {
    throw new Error(
      `OpenLDAP is not installed (no slapd/slapadd on PATH or in ${SBIN.join(', ')}): apt-get install slapd ldap-utils` +
        (process.env.CI ? ' (CI is set, so the LDAP tests fail instead of skipping)' : ''),
    );
  }
  const suffix = options.suffix ?? 'dc=tailspintoys,dc=com';
  const secret = (): string => randomBytes(12).toString('base64url');
  const accounts: Record<AccountName, SlapdAccount> = options.accounts ?? {
    admin: { dn: `cn=admin,${suffix}`, password: `admin-${secret()}` },
    service: { dn: `cn=casadmin,${suffix}`, password: `casadmin-${secret()}` },
    reader: { dn: `cn=casreader,${suffix}`, password: `casreader-${secret()}` },
  };
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  let lastFailure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'casctl-slapd-'));
    for (const sub of ['data', 'run']) mkdirSync(join(dir, sub));
    const conf = join(dir, 'slapd.conf');
    writeFileSync(conf, configuration(dir, suffix, options.schema !== false, options.sync === true, options.tls === true, accounts, options.extraSchemas ?? [], options.replication));
    // A replica receives every entry from the servers it follows: seeded too, the two would conflict.
    writeFileSync(join(dir, 'seed.ldif'), (options.empty ?? options.replication?.readOnly === true) ? '' : seed(suffix, accounts));
    if (options.tls === true) await makeCertificates(join(dir, 'tls'));
    const loaded = await run(slapadd, ['-f', conf, '-q', '-l', join(dir, 'seed.ldif')]);
    if (loaded.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`slapadd of the seed entries failed (exit ${loaded.code}):\n${loaded.output}`);
    }
    const port = options.port ?? (await freePort());
    const serverUrl = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = options.tls === true ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
    const started = Date.now();
    const launch = await run(slapd, ['-f', conf, '-h', [`${serverUrl}/`, ...(ldapsUrl === undefined ? [] : [`${ldapsUrl}/`])].join(' '), '-s', '0']);
    const pid = readPid(dir);
    if (pid !== undefined) trackDaemon(dir, pid);
    const fail = async (why: string): Promise<string> => {
      if (pid !== undefined) await stopDaemon('slapd', pid, dir).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      return `${why}\n--- slapd -f ${conf}: exit ${launch.code}\n${launch.output.trim()}`;
    };
    if (launch.code !== 0 || pid === undefined) {
      lastFailure = await fail('slapd did not start');
      if (/in use|bind/i.test(lastFailure)) continue;
      throw new Error(lastFailure);
    }
    let ready = false;
    while (Date.now() - started < timeoutMs) {
      if (!running(pid)) break;
      if (await answers(serverUrl)) {
        ready = true;
        break;
      }
      await sleep(20);
    }
    if (!ready) {
      lastFailure = await fail(running(pid) ? `slapd did not answer on ${serverUrl} within ${timeoutMs} ms` : 'slapd exited during start-up');
      if (/in use|bind/i.test(lastFailure)) continue;
      throw new Error(lastFailure);
    }
    let stopped: Promise<void> | undefined;
    return {
      dir,
      port,
      serverUrl,
      suffix,
      storeUrl: `${serverUrl}/${suffix}`,
      accounts,
      ...(ldapsUrl === undefined ? {} : { tls: { caFile: join(dir, 'tls', 'ca.pem'), ldapsUrl } }),
      pid,
      env: (account = 'service') => ({ CASCTL_LDAP_BIND_DN: accounts[account].dn, CASCTL_LDAP_PASSWORD: accounts[account].password }),
      client: (account = 'admin') => bound(serverUrl, accounts[account]),
      stop: () => (stopped ??= stopDaemon('slapd', pid, dir)),
    };
  }
  throw new Error(`slapd could not bind a port after 3 attempts:\n${lastFailure}`);
}
