/**
 * casctl manages an iRedMail-shaped OpenLDAP directory in place through the `iredmail` profile:
 * reads, bulk sets (OU, -Filter, --file, identities), history and undo, read-only audits; and
 * every write changes nothing but the mapped enabledService values (each entry and attribute of
 * the directory is compared before and after).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { keyOfDn } from '../../src/core/dn-syntax.js';
import { casctl, json, tempDir, type CliResult } from '../helpers/cli.js';
import { IREDMAIL_SUFFIX, dumpDirectory, everyUser, startIredmailSlapd, userDn } from '../helpers/iredmail-directory.js';
import { slapdSkipReason, type AccountName, type Slapd } from '../helpers/slapd.js';

type Dump = Map<string, Record<string, string[]>>;

const POP3 = ['pop3', 'pop3secured', 'pop3tls'];
const IMAP = ['imap', 'imapsecured', 'imaptls'];

/** Every difference between two dumps, as `dn attribute: -removed +added` lines. */
function differences(before: Dump, after: Dump): string[] {
  const lines: string[] = [];
  for (const dn of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(dn);
    const b = after.get(dn);
    if (a === undefined || b === undefined) {
      lines.push(`${dn}: ${a === undefined ? 'added' : 'removed'}`);
      continue;
    }
    for (const attribute of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const was = new Set(a[attribute] ?? []);
      const now = new Set(b[attribute] ?? []);
      const removed = [...was].filter((v) => !now.has(v));
      const added = [...now].filter((v) => !was.has(v));
      if (removed.length > 0 || added.length > 0) lines.push(`${dn} ${attribute}: -${removed.join(',')} +${added.join(',')}`);
    }
  }
  return lines.sort();
}

/** The lines `differences` gives when exactly `values` left (or, `added`, came to) the enabledService of these mailboxes. */
function switchLines(addresses: readonly string[], values: readonly string[], added = false): string[] {
  return everyUser()
    .filter((user) => addresses.includes(user.mail))
    .map((user) => `${keyOfDn(userDn(user)) ?? ''} enabledservice: ${added ? `-` : `-${[...values].sort().join(',')}`} ${added ? `+${[...values].sort().join(',')}` : '+'}`)
    .sort();
}

describe('the iredmail profile on an iRedMail-shaped OpenLDAP directory', { skip: slapdSkipReason() }, () => {
  let slapd: Slapd;
  let store: string;
  let pristine: Dump;
  const run = (args: readonly string[], account: AccountName = 'service', config?: string): Promise<CliResult> =>
    casctl(args, { env: { ...slapd.env(account), CASCTL_STORE: store, ...(config === undefined ? {} : { CASCTL_CONFIG: config }) } });
  const ok = async (args: readonly string[], account: AccountName = 'service'): Promise<CliResult> => {
    const result = await run(args, account);
    assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}`);
    return result;
  };
  const addresses = async (args: readonly string[]): Promise<string[]> =>
    json<{ PrimarySmtpAddress: string }[]>(await ok(['get-casmailbox', ...args, '-o', 'json'])).map((m) => m.PrimarySmtpAddress).sort();

  before(async () => {
    slapd = await startIredmailSlapd();
    store = `${slapd.serverUrl}/${IREDMAIL_SUFFIX}`;
    pristine = await dumpDirectory(slapd);
  });
  after(async () => {
    await slapd?.stop();
  });

  test('without the profile casctl names it; init --profile iredmail adds cn=casctl and nothing else, and later commands need no option', async () => {
    const refused = await run(['get-casmailbox']);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /existing iredmail directory, manage it in place with 'casctl init --store \S+ --profile iredmail'/);
    const init = await ok(['init', '--profile', 'iredmail']);
    assert.match(init.stderr, /Directory store ready: \S+ \(an existing directory, through the profile 'iredmail'/);
    assert.deepEqual(differences(pristine, await dumpDirectory(slapd)), []);
    await ok(['init', '--profile', 'iredmail']);
    assert.deepEqual(differences(pristine, await dumpDirectory(slapd)), []);
    assert.equal((await addresses([])).length, everyUser().length);
  });

  test('reads: OUs per domain, aliases and DNs as identities, Unicode display names, partial sets read disabled, OWA follows IMAP4', async () => {
    const units = json<{ Name: string; CanonicalName: string }[]>(await ok(['get-organizationalunit', '-o', 'json']));
    assert.deepEqual(units.map((u) => u.Name).sort(), ['example.com', 'mail.example.org', 'xn--bcher-kva.example']);
    assert.deepEqual(await addresses(['--organizational-unit', 'mail.example.org']), ['carol@mail.example.org', 'wang.wei@mail.example.org']);
    const [alice] = json<Record<string, unknown>[]>(await ok(['get-mailbox', 'wonderland@example.com', '-o', 'json']));
    assert.equal(alice?.DisplayName, 'Alice Liddell');
    assert.deepEqual(alice?.EmailAddresses, ['SMTP:alice@example.com', 'smtp:a.liddell@example.com', 'smtp:wonderland@example.com']);
    assert.equal(alice?.OrganizationalUnit, 'iredmail.test/domains/example.com');
    assert.deepEqual(await addresses(['--filter', "DisplayName -eq '王伟'"]), ['wang.wei@mail.example.org']);
    assert.deepEqual(await addresses(['--filter', "EmailAddresses -eq 'juergen.gross@example.com'"]), ['jurgen@example.com']);
    assert.deepEqual(await addresses(['first+tag@example.com']), ['first+tag@example.com']);
    const plus = everyUser().find((u) => u.mail === 'first+tag@example.com');
    assert.ok(plus);
    assert.deepEqual(await addresses([userDn(plus)]), ['first+tag@example.com'], 'by the DN with its escaped plus sign');
    assert.deepEqual(await addresses(["bob.o'neil@example.com"]), ["bob.o'neil@example.com"]);
    assert.deepEqual(await addresses(['--filter', 'PopEnabled -eq $false']), ['partial@example.com'], 'pop3 without pop3secured and pop3tls reads disabled');
    const [wang] = json<Record<string, unknown>[]>(await ok(['get-casmailbox', 'wei@mail.example.org', '-o', 'json']));
    assert.equal(wang?.OWAEnabled, wang?.ImapEnabled);
    assert.equal(wang?.SmtpClientAuthenticationDisabled, false);
    assert.equal(wang?.IsAdministrator ?? false, false);
  });

  test('a bulk set by OU, by -Filter, by --file and by identity changes only the mapped enabledService values; undo restores every attribute', async () => {
    const before = await dumpDirectory(slapd);
    const example = everyUser().filter((u) => u.mail.endsWith('@example.com') && u.mail !== 'partial@example.com').map((u) => u.mail);
    await ok(['set-casmailbox', '--organizational-unit', 'example.com', '--pop-enabled', 'false', '--yes']);
    assert.deepEqual(differences(before, await dumpDirectory(slapd)), switchLines(example, POP3));

    const file = join(tempDir(), 'ids.txt');
    writeFileSync(file, '\ufeff# aliases and a DN\r\nwei@mail.example.org\r\ncarol@mail.example.org\r\n');
    const middle = await dumpDirectory(slapd);
    await ok(['set-casmailbox', '--file', file, '--imap-enabled', 'false', '--yes']);
    await ok(['set-casmailbox', '--filter', "DisplayName -eq 'Bücherwurm'", '--imap-enabled', 'false', '--yes']);
    await ok(['set-casmailbox', 'partial@example.com', '--pop-enabled', 'true']);
    const changed = differences(middle, await dumpDirectory(slapd));
    const expected = [
      ...switchLines(['wang.wei@mail.example.org', 'carol@mail.example.org', 'leser@xn--bcher-kva.example'], IMAP),
      // Enabling completes the set: the values the entry lacked are added, the one it had stays.
      ...switchLines(['partial@example.com'], ['pop3secured', 'pop3tls'], true),
    ].sort();
    assert.deepEqual(changed, expected);

    const history = json<{ Id: number }[]>(await ok(['get-changelog', '-o', 'json']));
    for (const { Id } of [...history].sort((a, b) => b.Id - a.Id)) await ok(['undo', String(Id), '--yes']);
    const restored = differences(pristine, await dumpDirectory(slapd));
    // Every attribute of every entry as before casctl touched the directory, but one value: undo
    // sets partial@'s POP3 back to disabled, which is the whole set absent, so the stray `pop3` it
    // held (plain POP3 admitted while it read disabled) goes too. History records settings, not values.
    assert.deepEqual(restored, switchLines(['partial@example.com'], ['pop3']));
  });

  test('what the profile has no place for is a clear error before anything is written: OWA, $null SMTP AUTH, the organisation default, import', async () => {
    const before = await dumpDirectory(slapd);
    const owa = await run(['set-casmailbox', 'alice@example.com', '--owa-enabled', 'false']);
    assert.equal(owa.code, 2);
    assert.match(owa.stderr, /no switch of its own for OWA \(OWAEnabled\): it reads as IMAP4 \(ImapEnabled\)/);
    const nullSmtp = await run(['set-casmailbox', 'alice@example.com', '--smtp-client-authentication-disabled', '$null']);
    assert.equal(nullSmtp.code, 2);
    assert.match(nullSmtp.stderr, /cannot follow the organisation default/);
    const transport = await run(['set-transportconfig', '--smtp-client-authentication-disabled', 'true', '--yes']);
    assert.equal(transport.code, 2);
    assert.match(transport.stderr, /no mailbox follows an organisation default/);
    const csv = join(tempDir(), 'new.csv');
    writeFileSync(csv, 'Name,PrimarySmtpAddress,OrganizationalUnit\nnew,new@example.com,iredmail.test/domains/example.com\n');
    const dovecot = await run(['get-dovecotconfig', '--dovecot-version', '2.4']);
    assert.equal(dovecot.code, 2);
    assert.match(dovecot.stderr, /the deployment's own Dovecot queries read the switches casctl sets/);
    const imported = await run(['import', csv]);
    assert.equal(imported.code, 2, imported.stderr);
    assert.match(imported.stderr, /changes only their enabledService switch values/);
    assert.deepEqual(differences(before, await dumpDirectory(slapd)), []);
  });

  test('SMTP AUTH and ManageSieve move their whole sets', async () => {
    const before = await dumpDirectory(slapd);
    await ok(['set-casmailbox', 'carol@mail.example.org', '--smtp-client-authentication-disabled', 'true', '--manage-sieve-enabled', 'false']);
    const carol = ['carol@mail.example.org'];
    const values = ['smtp', 'smtpsecured', 'smtptls', 'sieve', 'sievesecured', 'managesieve', 'managesievesecured'];
    assert.deepEqual(differences(before, await dumpDirectory(slapd)), switchLines(carol, values));
    const [id] = json<{ Id: number }[]>(await ok(['get-changelog', '-o', 'json'])).map((r) => r.Id).sort((a, b) => b - a);
    await ok(['undo', String(id), '--yes']);
    assert.deepEqual(differences(before, await dumpDirectory(slapd)), []);
  });

  test('read-only: --read-only refuses a change (a --what-if works), and a read-only bind account audits', async () => {
    const before = await dumpDirectory(slapd);
    const refused = await run(['--read-only', 'set-casmailbox', 'alice@example.com', '--pop-enabled', 'false']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--read-only: this command changes the store, so nothing was done/);
    const whatIf = await run(['--read-only', 'set-casmailbox', 'alice@example.com', '--pop-enabled', 'false', '--what-if']);
    assert.equal(whatIf.code, 0, whatIf.stderr);
    assert.match(whatIf.stdout + whatIf.stderr, /alice@example.com/);
    const policy = join(tempDir(), 'policy.yml');
    writeFileSync(policy, 'rules:\n  - name: No POP3 in mail.example.org\n    organizationalUnit: mail.example.org\n    expect: { PopEnabled: false }\n');
    for (const args of [['--read-only', 'audit', policy, '-o', 'json'], ['audit', policy, '-o', 'json']]) {
      const audit = await run(args, args[0] === '--read-only' ? 'service' : 'reader');
      assert.equal(audit.code, 5, audit.stderr);
      assert.match(audit.stdout, /wang\.wei@mail\.example\.org/);
    }
    const readerWrite = await run(['set-casmailbox', 'alice@example.com', '--pop-enabled', 'false'], 'reader');
    assert.notEqual(readerWrite.code, 0, readerWrite.stderr);
    assert.deepEqual(differences(before, await dumpDirectory(slapd)), []);
  });

  test('a profile naming an attribute the server lacks is refused at open, naming it; another profile than the recorded one too', async () => {
    const dir = tempDir();
    const config = join(dir, 'casctl.config.json');
    const profile = {
      name: 'iredmail',
      mailboxes: { base: 'o=domains', scope: 'sub', filter: '(objectClass=mailUser)' },
      organizationalUnits: { base: 'o=domains', scope: 'one', filter: '(objectClass=mailDomain)' },
      attributes: { Name: 'mail', PrimarySmtpAddress: 'mail', DisplayName: 'cn' },
      emailAddresses: ['mail', 'mailAliasAddress'],
      switches: {
        attribute: 'enabledService',
        protocols: { pop3: ['pop3'], imap: ['imap'], owa: { follows: 'imap' }, smtp: ['smtp'], sieve: ['sieve'] },
      },
    };
    writeFileSync(config, JSON.stringify({ ldap: { profile } }));
    const missing = await run(['get-casmailbox'], 'service', config);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /names what the server of .* does not define: attribute mailAliasAddress \(EmailAddresses\)/);
    // A marker the deployment's Dovecot does not know: refused while a marked mailbox still holds POP3 or IMAP4 values.
    const marked = { ...profile, emailAddresses: ['mail', 'shadowAddress'], administrator: { attribute: 'domainGlobalAdmin', value: 'yes' } };
    writeFileSync(config, JSON.stringify({ ldap: { profile: marked } }));
    const administrator = await run(['get-casmailbox'], 'service', config);
    assert.equal(administrator.code, 3);
    assert.match(administrator.stderr, /1 mailbox is marked the Administrator by the LDAP profile 'iredmail' \(domainGlobalAdmin: yes\) but still holds POP3 or IMAP4 enabledService values.*mail=postmaster@example\.com/);
    writeFileSync(config, JSON.stringify({ ldap: { profile: { ...profile, name: 'other', emailAddresses: ['mail'] } } }));
    const other = await run(['get-casmailbox'], 'service', config);
    assert.equal(other.code, 3);
    assert.match(other.stderr, /was set up with the LDAP profile 'iredmail'/);
  });
});
