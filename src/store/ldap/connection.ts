import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Attribute, BerWriter, Change, Client, Control, FilterParser, type Entry } from 'ldapts';
import { StoreError } from '../../core/errors.js';
import { isTlsFailure, ResultCode, resultCode, toStoreError } from './errors.js';
import { operationLines } from './operation-trace.js';
import { readReferrals } from './referrals.js';
import type { LdapConnectionSettings } from './settings.js';
import { serverStoreUrl, type LdapServer, type LdapStoreUrl } from './url.js';

/**
 * How long casctl waits for each server of a list to accept the connection before it tries the
 * next one: a server that is down is passed over in seconds, not after the full answer timeout.
 */
export const FAILOVER_CONNECT_TIMEOUT_MS = 3000;

/** A filter no entry matches: an assertion with it makes a modify a pure probe of writability. */
const NOTHING = '(!(objectClass=*))';

/** One directory entry as read: attribute names folded to lower case, every value a string. */
export class LdapEntry {
  private readonly attributes = new Map<string, string[]>();

  constructor(readonly dn: string, raw: Entry) {
    // A search returns tens of thousands of entries: absent attributes (ldapts gives them as []) are not stored.
    for (const name in raw) {
      if (name === 'dn') continue;
      const value = raw[name];
      if (Array.isArray(value)) {
        if (value.length > 0) this.attributes.set(lowerCase(name), value.map(text));
      } else if (value !== undefined) this.attributes.set(lowerCase(name), [text(value)]);
    }
  }

  values(attribute: string): string[] {
    return this.attributes.get(lowerCase(attribute)) ?? [];
  }

  first(attribute: string): string | null {
    return this.values(attribute)[0] ?? null;
  }
}

const text = (value: string | Buffer): string => (typeof value === 'string' ? value : value.toString('utf8'));

/** Attribute names in lower case, remembered: the same few dozen names are folded for every entry read. */
const LOWER_CASE = new Map<string, string>();
function lowerCase(name: string): string {
  let lower = LOWER_CASE.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (LOWER_CASE.size < 10_000) LOWER_CASE.set(name, lower);
  }
  return lower;
}

export type Scope = 'base' | 'one' | 'sub';

export interface SearchRequest {
  base: string;
  scope: Scope;
  filter: string;
  attributes: readonly string[];
  /** A missing base yields nothing instead of failing (an OU that does not exist holds no mailboxes). */
  missingBaseIsEmpty?: boolean;
}

export type Modification = { operation: 'add' | 'delete' | 'replace'; attribute: string; values: readonly string[] };

/**
 * RFC 4528 assertion control: the server applies the operation only while the entry matches the
 * filter, atomically with it (result 122 otherwise). This is how the Administrator mailbox is
 * never enabled, even if it is flagged between casctl's read and its write.
 */
class AssertionControl extends Control {
  constructor(private readonly filter: string) {
    super('1.3.6.1.1.12', { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    FilterParser.parseString(this.filter).write(value);
    writer.writeBuffer(value.buffer, 0x04);
  }
}

/**
 * The LDAP connections of one store: the first, bound as configured, carries writes and the
 * first search; a paged search that starts while another is still being read gets a connection
 * of its own (OpenLDAP keeps one paged-results state per connection), kept for reuse until close.
 * Of the servers the URL lists, the first that accepts the connection serves them all.
 */
export class LdapConnection {
  private readonly idle: Client[] = [];
  private readonly all: Client[] = [];

  private constructor(
    private readonly target: LdapStoreUrl,
    /** The server of the list that answered: every connection of this store goes to it. */
    readonly server: LdapServer,
    private readonly settings: LdapConnectionSettings,
    private readonly primary: Client,
  ) {
    this.all.push(primary);
    this.idle.push(primary);
  }

  /**
   * Connects to the first of the URL's servers that answers: a server that cannot be reached
   * (or says it is busy or unavailable) passes the turn to the next; any other refusal (the
   * credentials, TLS, the schema) would be the same on every server and ends the attempt.
   */
  static async open(target: LdapStoreUrl, settings: LdapConnectionSettings): Promise<LdapConnection> {
    readReferrals();
    const failures: StoreError[] = [];
    for (const server of target.servers) {
      try {
        const client = await connect(target, server, settings);
        return new LdapConnection(target, server, settings, client);
      } catch (error) {
        if (target.servers.length === 1 || !(error instanceof FailoverError)) throw error instanceof FailoverError ? error.failure : error;
        failures.push(error.failure);
      }
    }
    throw new StoreError(`None of the LDAP servers of ${target.storeUrl} answered:\n  ${failures.map((f) => f.message).join('\n  ')}`);
  }

  /** The store URL of the server that answered, as messages name it. */
  get serverUrl(): string {
    return serverStoreUrl(this.server, this.target.baseDn);
  }

  /**
   * Fails unless the server accepts writes to `dn`: a modify the assertion control makes a no-op
   * (a read-only replica refers it elsewhere, result 10, before it looks at the assertion).
   */
  async checkWritable(dn: string, attribute: string): Promise<void> {
    try {
      await this.modify(dn, [{ operation: 'add', attribute, values: ['casctl-write-probe'] }], NOTHING);
    } catch (error) {
      if (resultCode(error) !== ResultCode.AssertionFailed) throw this.fail(error, `write ${dn}`);
    }
  }

  get pageSize(): number {
    return this.settings.pageSize;
  }

  /** Translates any failure into a StoreError naming the server, never the password. */
  fail(error: unknown, action: string): StoreError {
    return toStoreError(error, { url: this.serverUrl, bindDn: this.settings.bindDn, action, password: this.settings.password });
  }

  /** A paged search: every page the server has, so its size limit never truncates the result. */
  async *search(request: SearchRequest): AsyncGenerator<LdapEntry[]> {
    const client = this.idle.pop() ?? (await this.extra());
    this.settings.trace?.('ldap', operationLines.search(request));
    try {
      const pages = client.searchPaginated(request.base, {
        scope: request.scope,
        filter: request.filter,
        attributes: [...request.attributes],
        paged: { pageSize: this.settings.pageSize },
      });
      for await (const page of pages) {
        yield page.searchEntries.map((entry) => new LdapEntry(entry.dn, entry));
      }
    } catch (error) {
      if (request.missingBaseIsEmpty === true && resultCode(error) === ResultCode.NoSuchObject) return;
      throw this.fail(error, `search ${request.base}`);
    } finally {
      this.idle.push(client);
    }
  }

  /** Every entry of a search, in one array: for small results (OUs, one change's records). */
  async searchAll(request: SearchRequest): Promise<LdapEntry[]> {
    const entries: LdapEntry[] = [];
    for await (const page of this.search(request)) entries.push(...page);
    return entries;
  }

  /** The entry at `dn`, or null when there is none. */
  async read(dn: string, attributes: readonly string[]): Promise<LdapEntry | null> {
    const [entry] = await this.searchAll({ base: dn, scope: 'base', filter: '(objectClass=*)', attributes, missingBaseIsEmpty: true });
    return entry ?? null;
  }

  /** Raw modify: failures keep their LDAP result code for the caller to judge (16 and 20 may be fine). */
  async modify(dn: string, modifications: readonly Modification[], assertion?: string): Promise<void> {
    const changes = modifications.map(
      (m) => new Change({ operation: m.operation, modification: new Attribute({ type: m.attribute, values: [...m.values] }) }),
    );
    this.settings.trace?.('ldap', operationLines.modify(dn, modifications, assertion));
    await this.primary.modify(dn, changes, assertion === undefined ? undefined : new AssertionControl(assertion));
  }

  async add(dn: string, attributes: Record<string, readonly string[]>): Promise<void> {
    const list = Object.entries(attributes)
      .filter(([, values]) => values.length > 0)
      .map(([type, values]) => new Attribute({ type, values: [...values] }));
    this.settings.trace?.('ldap', operationLines.add(dn, list.map((a) => a.type)));
    await this.primary.add(dn, list);
  }

  async delete(dn: string): Promise<void> {
    this.settings.trace?.('ldap', operationLines.delete(dn));
    await this.primary.del(dn);
  }

  /** Renames or moves an entry: `newRdn` below `newParent`. */
  async move(dn: string, newRdn: string, newParent: string): Promise<void> {
    this.settings.trace?.('ldap', operationLines.modifyDn(dn, `${newRdn},${newParent}`));
    await this.primary.modifyDN(dn, `${newRdn},${newParent}`);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all.map((client) => client.unbind()));
    this.all.length = 0;
    this.idle.length = 0;
  }

  private async extra(): Promise<Client> {
    const client = await connect(this.target, this.server, this.settings).catch((error: unknown) => {
      throw error instanceof FailoverError ? error.failure : this.fail(error, 'open another connection');
    });
    this.all.push(client);
    return client;
  }
}

function tlsOptions(target: LdapServer, settings: LdapConnectionSettings): ConnectionOptions {
  // The certificate is checked against the host; SNI carries names only, never an IP address.
  const options: ConnectionOptions = { host: target.host, minVersion: 'TLSv1.2', ...(isIP(target.host) === 0 ? { servername: target.host } : {}) };
  if (settings.caFile !== null) {
    try {
      options.ca = readFileSync(settings.caFile);
    } catch (error) {
      throw new StoreError(`Cannot read the LDAP CA file '${settings.caFile}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
  }
  return options;
}

/** A server that could not be reached: the next one of the list may answer. */
class FailoverError extends Error {
  constructor(readonly failure: StoreError) {
    super(failure.message);
  }
}

const FAILOVER_CODES: ReadonlySet<number | undefined> = new Set([undefined, ResultCode.Busy, ResultCode.Unavailable]);

/** Connects (TLS as configured) and binds; every failure is a StoreError an admin can act on (in a FailoverError when another server may do). */
async function connect(store: LdapStoreUrl, target: LdapServer, settings: LdapConnectionSettings): Promise<Client> {
  const url = serverStoreUrl(target, store.baseDn);
  if (settings.startTls && target.secure) {
    throw new StoreError(`"startTls" is for ldap:// URLs; ${url} is already TLS (ldaps://).`);
  }
  const tls = target.secure || settings.startTls ? tlsOptions(target, settings) : undefined;
  const client = new Client({
    url: target.serverUrl,
    timeout: settings.timeoutMs,
    connectTimeout: Math.min(settings.timeoutMs, store.servers.length > 1 ? FAILOVER_CONNECT_TIMEOUT_MS : 10_000),
    // A server that drops an idle connection gets the same bind again on the next request, not an
    // anonymous one (ldapts never replays a bind over a StartTLS session: it would go out in clear).
    autoRebind: true,
    // For ldap:// the TLS options go to startTLS(): given here, ldapts would open TLS at once.
    ...(target.secure && tls !== undefined ? { tlsOptions: tls } : {}),
  });
  const context = { url, bindDn: settings.bindDn, password: settings.password };
  try {
    settings.trace?.('ldap', `connect ${target.serverUrl}${settings.startTls ? ' (StartTLS)' : ''}`);
    if (settings.startTls) await client.startTLS(tls);
    // An anonymous store still proves the server answers before casctl counts on it.
    if (settings.bindDn !== null) {
      settings.trace?.('ldap', operationLines.bind(settings.bindDn));
      await client.bind(settings.bindDn, settings.password ?? '');
    } else {
      const probe: SearchRequest = { base: '', scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] };
      settings.trace?.('ldap', operationLines.search(probe));
      await client.search(probe.base, { scope: probe.scope, filter: probe.filter, attributes: [...probe.attributes] });
    }
  } catch (error) {
    await client.unbind().catch(() => undefined);
    const failure = toStoreError(error, { ...context, action: settings.bindDn === null ? 'connect' : 'bind' });
    throw FAILOVER_CODES.has(resultCode(error)) && !isTlsFailure(error) ? new FailoverError(failure) : failure;
  }
  return client;
}
