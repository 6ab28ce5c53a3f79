/**
 * An iRedMail-shaped OpenLDAP directory for the profile tests, built from iRedMail's published
 * schema facts (fixtures/iredmail/iredmail-shaped.schema): domains as
 * `domainName=<domain>,o=domains,<suffix>`, mailboxes as
 * `mail=<address>,ou=Users,domainName=<domain>,o=domains,<suffix>` (inetOrgPerson, shadowAccount,
 * amavisAccount, mailUser), aliases in shadowAddress, services in enabledService. Several
 * domains (one in punycode), odd names (a comma, an apostrophe, a plus sign in the RDN), Unicode
 * display names, a disabled account, a global admin and a mailbox holding only part of a set.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Attribute, type Client } from 'ldapts';
import { formatRdn, keyOfDn } from '../../src/core/dn-syntax.js';
import { ROOT } from './cli.js';
import { startSlapd, type Slapd } from './slapd.js';

export const IREDMAIL_SCHEMA = join(ROOT, 'fixtures', 'iredmail', 'iredmail-shaped.schema');
export const IREDMAIL_SUFFIX = 'dc=iredmail,dc=test';
export const IREDMAIL_PASSWORD = 'Irm-Test!2026';

/** What iRedMail's own tools give a new mailbox: its services, the mail access ones among them. */
export const FULL_SERVICES = [
  'mail', 'internal', 'doveadm', 'lib-storage', 'indexer-worker', 'dsync', 'deliver', 'lda', 'lmtp',
  'pop3', 'pop3secured', 'pop3tls', 'imap', 'imapsecured', 'imaptls', 'smtp', 'smtpsecured', 'smtptls',
  'managesieve', 'managesievesecured', 'sieve', 'sievesecured', 'forward', 'senderbcc', 'recipientbcc',
  'shadowaddress', 'displayedInGlobalAddressBook', 'sogo',
];

export interface IredmailUser {
  mail: string;
  cn: string;
  aliases?: string[];
  services?: string[];
  status?: 'active' | 'disabled';
  globalAdmin?: boolean;
}

export const IREDMAIL_DOMAINS: Record<string, IredmailUser[]> = {
  'example.com': [
    { mail: 'postmaster@example.com', cn: 'Postmaster', globalAdmin: true, services: [...FULL_SERVICES, 'domainadmin'] },
    { mail: 'alice@example.com', cn: 'Alice Liddell', aliases: ['a.liddell@example.com', 'wonderland@example.com'] },
    { mail: "bob.o'neil@example.com", cn: "O'Neil, Bob" },
    { mail: 'first+tag@example.com', cn: 'First Tag' },
    { mail: 'jurgen@example.com', cn: 'Jürgen Groß', aliases: ['juergen.gross@example.com'] },
    { mail: 'gone@example.com', cn: 'Former Employee', status: 'disabled' },
    { mail: 'partial@example.com', cn: 'Partly Enabled', services: FULL_SERVICES.filter((s) => s !== 'pop3secured' && s !== 'pop3tls') },
  ],
  'mail.example.org': [
    { mail: 'wang.wei@mail.example.org', cn: '王伟', aliases: ['wei@mail.example.org'] },
    { mail: 'carol@mail.example.org', cn: 'Carol Ångström' },
  ],
  'xn--bcher-kva.example': [{ mail: 'leser@xn--bcher-kva.example', cn: 'Bücherwurm' }],
};

export function everyUser(): IredmailUser[] {
  return Object.values(IREDMAIL_DOMAINS).flat();
}

export const domainDn = (domain: string): string => `domainName=${domain},o=domains,${IREDMAIL_SUFFIX}`;
export const userDn = (user: IredmailUser): string => `${formatRdn({ type: 'mail', value: user.mail })},ou=Users,${domainDn(user.mail.split('@')[1] ?? '')}`;

/** {SSHA}: slapd checks it itself, so Dovecot's auth_bind logins work as in an iRedMail deployment. */
function ssha(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
}

async function add(client: Client, dn: string, attributes: Record<string, string[]>): Promise<void> {
  await client.add(dn, Object.entries(attributes).map(([type, values]) => new Attribute({ type, values })));
}

/** Adds o=domains, the domains, their ou=Users and every mailbox. */
export async function seedIredmail(slapd: Slapd): Promise<void> {
  const client = await slapd.client('admin');
  try {
    await add(client, `o=domains,${IREDMAIL_SUFFIX}`, { objectClass: ['organization'], o: ['domains'] });
    for (const [domain, users] of Object.entries(IREDMAIL_DOMAINS)) {
      await add(client, domainDn(domain), { objectClass: ['mailDomain'], domainName: [domain], accountStatus: ['active'], enabledService: ['mail'], cn: [domain] });
      await add(client, `ou=Users,${domainDn(domain)}`, { objectClass: ['organizationalUnit'], ou: ['Users'] });
      for (const user of users) {
        const local = user.mail.split('@')[0] ?? '';
        await add(client, userDn(user), {
          objectClass: ['inetOrgPerson', 'shadowAccount', 'amavisAccount', 'mailUser'],
          mail: [user.mail],
          cn: [user.cn],
          sn: [user.cn.split(' ').at(-1) ?? user.cn],
          givenName: [user.cn.split(' ')[0] ?? user.cn],
          uid: [local],
          userPassword: [ssha(IREDMAIL_PASSWORD)],
          accountStatus: [user.status ?? 'active'],
          enabledService: user.services ?? FULL_SERVICES,
          mailQuota: ['1073741824'],
          mailMessageStore: [`${domain}/${local}/`],
          amavisLocal: ['TRUE'],
          title: ['Staff'],
          ...(user.aliases === undefined ? {} : { shadowAddress: user.aliases }),
          ...(user.globalAdmin === true ? { domainGlobalAdmin: ['yes'] } : {}),
        });
      }
    }
  } finally {
    await client.unbind();
  }
}

/** A slapd with casctl's schema (for cn=casctl) and the iRedMail-shaped one, seeded. */
export async function startIredmailSlapd(): Promise<Slapd> {
  const slapd = await startSlapd({ suffix: IREDMAIL_SUFFIX, extraSchemas: [IREDMAIL_SCHEMA] });
  try {
    await seedIredmail(slapd);
  } catch (error) {
    await slapd.stop();
    throw error;
  }
  return slapd;
}

/** Every entry but casctl's own (cn=casctl and below), keyed by keyOfDn, each attribute's values sorted: what a comparison before and after a change needs. */
export async function dumpDirectory(slapd: Slapd): Promise<Map<string, Record<string, string[]>>> {
  const client = await slapd.client('admin');
  try {
    const { searchEntries } = await client.search(IREDMAIL_SUFFIX, { scope: 'sub', filter: '(objectClass=*)', attributes: ['*', 'entryUUID'] });
    const dump = new Map<string, Record<string, string[]>>();
    for (const entry of searchEntries) {
      if (/(^|,)cn=casctl,/i.test(entry.dn)) continue;
      const attributes: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(entry)) {
        if (name === 'dn') continue;
        attributes[name.toLowerCase()] = (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v))).sort();
      }
      dump.set(keyOfDn(entry.dn) ?? entry.dn, attributes);
    }
    return dump;
  } finally {
    await client.unbind();
  }
}
