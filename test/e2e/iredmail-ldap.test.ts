/**
 * The deployment's own Dovecot enforces what casctl sets through the iredmail profile: Dovecot
 * 2.3 and 2.4 read the iRedMail-shaped directory with iRedMail-style LDAP passdb and userdb
 * filters (`enabledService=%Ls%Lc`, `%{protocol | lower}%{secured | lower}`), written here as a
 * deployment has them, not by casctl's get-dovecotconfig; casctl changes the switches and its
 * --restart flushes Dovecot's cache, and real POP3 and IMAP logins are refused and re-admitted.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Attribute, Change } from 'ldapts';
import { casctl, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot, type DovecotVersion } from '../helpers/dovecot.js';
import { IREDMAIL_PASSWORD, IREDMAIL_SUFFIX, everyUser, startIredmailSlapd, userDn } from '../helpers/iredmail-directory.js';
import { imapLogin, pop3Login } from '../helpers/mail-login.js';
import { slapdSkipReason, type Slapd } from '../helpers/slapd.js';

/** iRedMail's filter shape: an active mailUser with the mail service and the service variant asked for, found by its address or an alias. */
function iredmailFilter(service: string, user: string): string {
  return `(&(objectClass=mailUser)(accountStatus=active)(enabledService=mail)(enabledService=${service})(|(mail=${user})(&(enabledService=shadowaddress)(shadowAddress=${user}))))`;
}

/** The deployment's auth configuration: Dovecot binds as the entry it finds (auth_bind), so slapd checks the {SSHA} password. */
function deploymentConfig(version: DovecotVersion, dir: string, serverUrl: string): string {
  const base = `o=domains,${IREDMAIL_SUFFIX}`;
  if (version === '2.4') {
    const filter = iredmailFilter('%{protocol | lower}%{secured | lower}', '%{user}');
    return `auth_username_format = %{user | lower}
ldap_uris = ${serverUrl}
ldap_base = ${base}
ldap_scope = subtree
ldap_deref = never
passdb ldap {
  bind = yes
  filter = ${filter}
  fields {
    user = %{ldap:mail}
  }
}
userdb ldap {
  filter = ${filter}
  iterate_filter = (objectClass=mailUser)
  fields {
    user = %{ldap:mail}
  }
  iterate_fields {
    user = %{ldap:mail}
  }
}
`;
  }
  const ext = join(dir, 'dovecot-ldap.conf.ext');
  const filter = iredmailFilter('%Ls%Lc', '%u');
  writeFileSync(ext, `uris = ${serverUrl}
ldap_version = 3
base = ${base}
scope = subtree
deref = never
auth_bind = yes
pass_filter = ${filter}
pass_attrs = mail=user
user_filter = ${filter}
user_attrs = mail=user
iterate_filter = (objectClass=mailUser)
iterate_attrs = mail=user
`);
  return `auth_username_format = %Lu
passdb {
  driver = ldap
  args = ${ext}
}
userdb {
  driver = ldap
  args = ${ext}
}
`;
}

/** A POP3 USER/PASS login from `localAddress` (another loopback address than the server's): true on +OK. */
function pop3From(localAddress: string, port: number, user: string, password: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port, localAddress });
    const replies: string[] = [];
    let buffered = '';
    const commands = [`USER ${user}`, `PASS ${password}`, 'QUIT'];
    socket.setTimeout(10_000, () => socket.destroy(new Error('POP3 timed out')));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
        replies.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        const next = commands.shift();
        if (next === undefined) {
          socket.end();
          // The greeting, USER, PASS: the third reply says whether the login went through.
          resolve(replies[2]?.startsWith('+OK') ?? false);
        } else socket.write(`${next}\r\n`);
      }
    });
  });
}

for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} with iRedMail-style LDAP queries enforces casctl's changes through the iredmail profile`, { skip: slapdSkipReason() || dovecotSkipReason(version) }, () => {
    let slapd: Slapd;
    let dovecot: Dovecot;
    let config: string;
    const run = async (args: readonly string[]): Promise<CliResult> => {
      const result = await casctl(args, { env: { ...slapd.env('service'), CASCTL_STORE: `${slapd.serverUrl}/${IREDMAIL_SUFFIX}`, CASCTL_CONFIG: config } });
      assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}\n${dovecot?.log() ?? ''}`);
      return result;
    };
    const imap = async (user: string, password = IREDMAIL_PASSWORD): Promise<boolean> => (await imapLogin(dovecot.imapPort, user, password)).ok;
    const pop3 = async (user: string): Promise<boolean> => (await pop3Login(dovecot.pop3Port, user, IREDMAIL_PASSWORD)).ok;
    /** Replaces one mailbox's enabledService values by hand (as the rootdn), then flushes Dovecot's cache. */
    const setServices = async (mail: string, change: 'add' | 'delete', values: string[]): Promise<void> => {
      const user = everyUser().find((u) => u.mail === mail);
      assert.ok(user);
      const client = await slapd.client('admin');
      try {
        await client.modify(userDn(user), [new Change({ operation: change, modification: new Attribute({ type: 'enabledService', values }) })]);
      } finally {
        await client.unbind();
      }
      dovecot.flushAuthCache();
    };

    before(async () => {
      slapd = await startIredmailSlapd();
      const dir = tempDir();
      config = join(dir, 'casctl.config.json');
      writeFileSync(config, '{}');
      await run(['init', '--profile', 'iredmail']);
      const include = join(dir, 'auth-iredmail.conf');
      writeFileSync(include, deploymentConfig(version, dir, slapd.serverUrl));
      dovecot = await startDovecot({ version, authInclude: include });
      writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    });
    after(async () => {
      await dovecot?.stop();
      await slapd?.stop();
    });

    test("the deployment's queries admit by address and alias, and refuse a wrong password and a disabled account", async () => {
      for (const name of ['alice@example.com', 'wonderland@example.com', 'Alice@Example.com']) assert.ok(await imap(name), `${name}\n${dovecot.log()}`);
      assert.ok(await pop3('a.liddell@example.com'));
      assert.equal(await imap('alice@example.com', 'wrong'), false);
      assert.equal(await imap('gone@example.com'), false, 'accountStatus disabled');
    });

    test("which value a login asks for: from the server's own address it counts as secured (imapsecured), from another one a plaintext login asks for the plain value (pop3)", async () => {
      const mail = 'carol@mail.example.org';
      const without = async (value: string, login: () => Promise<boolean>): Promise<boolean> => {
        await setServices(mail, 'delete', [value]);
        try {
          return await login();
        } finally {
          await setServices(mail, 'add', [value]);
        }
      };
      assert.ok(await without('imap', () => imap(mail)), 'from 127.0.0.1 to 127.0.0.1 the plain value is not asked for');
      assert.equal(await without('imapsecured', () => imap(mail)), false, 'Dovecot takes a connection from its own address as secured');
      assert.ok(await without('imaptls', () => imap(mail)));
      const fromElsewhere = (): Promise<boolean> => pop3From('127.0.0.2', dovecot.pop3Port, mail, IREDMAIL_PASSWORD);
      assert.ok(await fromElsewhere(), dovecot.log());
      assert.equal(await without('pop3', fromElsewhere), false, 'a plaintext login from another address asks for pop3');
      assert.ok(await without('pop3secured', fromElsewhere));
      assert.ok(await without('pop3tls', fromElsewhere));
    });

    test('set-casmailbox --restart: POP3 refused under the address and the alias, IMAP4 kept; re-enabled, admitted again', async () => {
      const user = 'alice@example.com';
      assert.ok(await pop3('wonderland@example.com'), 'cached under the alias');
      assert.ok(await pop3(user));
      const off = await run(['set-casmailbox', user, '--pop-enabled', 'false', '--restart']);
      assert.match(off.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE: 1 mailboxes/);
      assert.equal(await pop3('wonderland@example.com'), false, 'the alias login was flushed too');
      assert.equal(await pop3(user), false);
      assert.equal(await pop3From('127.0.0.2', dovecot.pop3Port, user, IREDMAIL_PASSWORD), false, 'the plain form (pop3) is gone too');
      assert.ok(await imap(user));
      await run(['set-casmailbox', user, '--pop-enabled', 'true', '--restart']);
      assert.ok(await pop3(user), 'the negative entry was flushed');
      assert.ok(await pop3From('127.0.0.2', dovecot.pop3Port, user, IREDMAIL_PASSWORD));
      assert.ok(await pop3('wonderland@example.com'));
    });

    test('a bulk change of a domain is cached until refresh-service, then every login of it is refused; undo --restart re-admits them', async () => {
      const domain = ['wang.wei@mail.example.org', 'carol@mail.example.org'];
      for (const user of domain) assert.ok(await imap(user));
      await run(['set-casmailbox', '--organizational-unit', 'mail.example.org', '--imap-enabled', 'false', '--yes']);
      assert.ok(await imap('wang.wei@mail.example.org'), "Dovecot's cache still holds the old answer");
      await run(['refresh-service']);
      for (const user of [...domain, 'wei@mail.example.org']) assert.equal(await imap(user), false, user);
      assert.ok(await pop3('wei@mail.example.org'), 'POP3 untouched');
      assert.ok(await imap('alice@example.com'), 'another domain untouched');
      const [latest] = JSON.parse((await run(['get-changelog', '-o', 'json'])).stdout).map((r: { Id: number }) => r.Id).sort((a: number, b: number) => b - a);
      await run(['undo', String(latest), '--yes', '--restart']);
      for (const user of [...domain, 'wei@mail.example.org']) assert.ok(await imap(user), user);
    });
  });
}
