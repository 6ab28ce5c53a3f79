/**
 * An LDAP store made before casctl knew a protocol: its entries lack that protocol's
 * casEnabledService values, and absent means refused. Every command but init refuses such a
 * store; `casctl init` adds the values to every mailbox (enabled, as a new mailbox gets them),
 * resumes after a kill -9, and only then records the protocol on cn=casctl.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Attribute, Change, type Client } from 'ldapts';
import { isNullable, perCasSetting, PROTOCOLS, protocolList } from '../../src/core/protocols.js';
import type { ImportRecord } from '../../src/store/directory-store.js';
import { ENABLED_SERVICE_VALUES } from '../../src/store/ldap/protocol-values.js';
import { openStore } from '../../src/store/open-store.js';
import { BIN, casctl, json, ROOT, tempDir, type CliResult } from '../helpers/cli.js';
import { barsOf, framesOf } from '../helpers/progress-frames.js';
import { slapdSkipReason, startSlapd, type Slapd } from '../helpers/slapd.js';

const COUNT = 3000;

/** The protocols casctl learned after layout 1, which carried POP3 and IMAP4 only: ManageSieve, OWA, ... */
const NEW = PROTOCOLS.filter((p) => p.name !== 'pop3' && p.name !== 'imap');
const NEW_VALUES = NEW.flatMap((p) => ENABLED_SERVICE_VALUES[p.name]);
const NEW_NAMES = `${protocolList('and', NEW)} \\(casEnabledService: ${NEW_VALUES.join(', ')}\\)`;

const record = (i: number): ImportRecord => ({
  Guid: null, DistinguishedName: null, Name: `Old User ${i}`, DisplayName: `Old User ${i}`, Alias: `old${i}`,
  SamAccountName: `old${i}`, UserPrincipalName: `old${i}@tailspintoys.com`, PrimarySmtpAddress: `old${i}@tailspintoys.com`,
  EmailAddresses: [`old${i}@tailspintoys.com`], OrganizationalUnit: `tailspintoys.com/Old/Team ${i % 10}`, Department: 'Old',
  Title: null, Company: null, Office: null, City: null, StateOrProvince: null, CountryOrRegion: null,
  CustomAttributes: Array.from({ length: 15 }, () => null), RecipientTypeDetails: 'UserMailbox', Password: null,
  // What a casctl of layout 1 wrote: POP3 and IMAP4 as set, no value of a later protocol at all.
  // SMTP AUTH: no setting ($null), with no values while the import's organisation default refuses it (before()).
  ...perCasSetting(() => false), SmtpClientAuthenticationDisabled: null, PopEnabled: i % 3 !== 0, ImapEnabled: i % 5 !== 0,
});

async function countOf(client: Client, base: string, filter: string): Promise<number> {
  let n = 0;
  for await (const page of client.searchPaginated(base, { scope: 'sub', filter, attributes: ['1.1'], paged: { pageSize: 500 } })) n += page.searchEntries.length;
  return n;
}

/** A count that has stopped moving. */
async function settled(read: () => Promise<number>): Promise<number> {
  for (let last = await read(); ; ) {
    await sleep(200);
    const now = await read();
    if (now === last) return now;
    last = now;
  }
}

describe('LDAP: a store made before casctl knew ManageSieve', { skip: slapdSkipReason() }, () => {
  let slapd: Slapd;
  let admin: Client;
  const container = (): string => `cn=casctl,${slapd.suffix}`;
  const run = (args: string[]): Promise<CliResult> => casctl(args, { store: slapd.storeUrl, env: slapd.env('service') });
  /** casctl with its stderr on a pseudo-terminal (test/helpers/pty-stderr.py): what an admin sees. */
  const onTerminal = (args: string[]): { code: number; terminal: string } => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...slapd.env('service'), CASCTL_STORE: slapd.storeUrl };
    const result = spawnSync('python3', [join(ROOT, 'test', 'helpers', 'pty-stderr.py'), join(tempDir(), 'stdout.txt'), process.execPath, BIN, ...args], { env });
    return { code: result.status ?? -1, terminal: result.stdout.toString('utf8').replaceAll('\r\n', '\n') };
  };
  const withSieve = (): Promise<number> => countOf(admin, slapd.suffix, '(&(objectClass=casMailbox)(casEnabledService=sieve))');
  /** Entries holding every value of the new protocols: the ones the upgrade has done. */
  const upgraded = (): Promise<number> => countOf(admin, slapd.suffix, `(&(objectClass=casMailbox)${NEW_VALUES.map((v) => `(casEnabledService=${v})`).join('')})`);
  const recorded = async (): Promise<{ version: string[]; protocols: string[] }> => {
    const { searchEntries } = await admin.search(container(), { scope: 'base', attributes: ['casSchemaVersion', 'casProtocol'] });
    const values = (name: string): string[] => [searchEntries[0]?.[name] ?? []].flat().map(String);
    return { version: values('casSchemaVersion'), protocols: values('casProtocol') };
  };

  before(async () => {
    // Writes flushed to disk as in production: the upgrade takes long enough to be killed midway.
    slapd = await startSlapd({ sync: true });
    const store = await openStore(slapd.storeUrl, ROOT, { create: true, env: slapd.env('service') });
    try {
      const context = { when: new Date(), osUser: 'test', sudoUser: null, host: 'test', commandLine: '(layout 1)' };
      await store.setTransportConfig({ property: 'SmtpClientAuthenticationDisabled', to: true }, context);
      await store.importMailboxes([Array.from({ length: COUNT }, (_, i) => record(i))], new Date());
    } finally {
      await store.close();
    }
    admin = await slapd.client('admin');
    // cn=casctl as layout 1 left it: no casProtocol, version 1.
    await admin.modify(container(), [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'casSchemaVersion', values: ['1'] }) }),
      new Change({ operation: 'delete', modification: new Attribute({ type: 'casProtocol', values: [] }) }),
      // Layout 1 had no organisation default either.
      new Change({ operation: 'delete', modification: new Attribute({ type: 'casDefaultSmtpClientAuthenticationDisabled', values: [] }) }),
    ]);
  });

  after(async () => {
    await admin?.unbind();
    await slapd?.stop();
  });

  test('reads, writes and get-dovecotconfig refuse it, naming casctl init', async () => {
    const predates = NEW.map((p) => `${p.displayName} \\(${p.property}\\)`).join(', ');
    const init = new RegExp(`predates ${predates}.*Run 'casctl init --store ${slapd.storeUrl.replace(/[.]/g, '\\.')}' once`);
    for (const args of [
      ['get-casmailbox', 'old1'],
      ['set-casmailbox', 'old1', '--manage-sieve-enabled', 'false'],
      ['get-dovecotconfig', '--dovecot-version', '2.4'],
      ['audit', 'fixtures/policies/sample-policy.yml'],
    ]) {
      const result = await run(args);
      assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, init, args.join(' '));
      assert.equal(result.stdout, '', 'no configuration printed');
    }
    assert.equal(await countOf(admin, slapd.suffix, `(|${NEW_VALUES.map((v) => `(casEnabledService=${v})`).join('')})`), 0);
  });

  test('init killed midway leaves it refused; init again finishes, records the new protocols, and leaves POP3 and IMAP4 as they were', async (t) => {
    const child = spawn(process.execPath, [BIN, 'init'], { env: { PATH: process.env.PATH, ...slapd.env('service'), CASCTL_STORE: slapd.storeUrl }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    for (let i = 0; i < 400 && !stderr.includes('Enabling'); i++) await sleep(25);
    assert.match(stderr, new RegExp(`Enabling ${NEW_NAMES} for the ${COUNT.toLocaleString('en-US')} mailboxes made before casctl knew (it|them)`));
    for (let i = 0; i < 400 && (await upgraded()) < 200; i++) await sleep(10);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The modifies it had in flight still land: count once slapd has answered them all.
    const done = await settled(upgraded);
    t.diagnostic(`killed after ${done} of ${COUNT} mailboxes`);
    assert.ok(done > 0 && done < COUNT, `the kill came midway (${done} of ${COUNT} done), else this test proves nothing`);
    assert.deepEqual(await recorded(), { version: ['2'], protocols: ['pop3', 'imap'] }, 'layout 2, the new protocols not recorded yet');
    assert.equal((await run(['get-casmailbox', 'old1'])).code, 3, 'still refused');

    // At a terminal, as an admin runs it: the messages, and a bar with the true total that moves.
    const started = Date.now();
    const resumed = onTerminal(['init']);
    const ms = Date.now() - started;
    assert.equal(resumed.code, 0, resumed.terminal);
    t.diagnostic(`init resumed: ${COUNT - done} mailboxes in ${ms} ms (writes flushed to disk)`);
    assert.match(resumed.terminal, new RegExp(`for the ${(COUNT - done).toLocaleString('en-US')} mailboxes made before`), 'counts what is left, truthfully');
    assert.match(resumed.terminal, new RegExp(`Recorded ${protocolList('and', NEW)} on cn=casctl,dc=tailspintoys,dc=com: print the Dovecot configuration again`));
    const bars = barsOf(framesOf(resumed.terminal));
    assert.ok(bars.length > 0 && bars.every((b) => b.label === 'Adding protocol values' && b.total === COUNT - done), JSON.stringify(bars.slice(0, 3)));
    assert.ok(bars.some((b) => b.value > 0 && b.value < b.total), 'the bar moves');
    assert.ok(ms < 60_000, `${ms} ms for ${COUNT - done} mailboxes`);
    assert.equal(await upgraded(), COUNT);
    assert.deepEqual(await recorded(), { version: ['2'], protocols: PROTOCOLS.map((p) => p.name) });
    // POP3 and IMAP4 were recorded already: never touched, a disabled one stays disabled.
    assert.equal(await countOf(admin, slapd.suffix, '(&(objectClass=casMailbox)(casEnabledService=pop3))'), COUNT - Math.ceil(COUNT / 3));
    assert.equal(await countOf(admin, slapd.suffix, '(&(objectClass=casMailbox)(casEnabledService=imap))'), COUNT - Math.ceil(COUNT / 5));

    const again = await run(['init']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /Enabling|Recorded/, 'nothing left to do');
  });

  test('the upgraded store reads ManageSieve enabled, and set-casmailbox turns it off', async () => {
    const rows = json<Record<string, unknown>[]>(await run(['get-casmailbox', '--organizational-unit', 'Old/Team 0', '-o', 'json']));
    assert.equal(rows.length, COUNT / 10);
    // SMTP AUTH: $null, following the organisation default, which allows it.
    assert.ok(rows.every((r) => NEW.every((p) => r[p.property] === (isNullable(p) ? null : true))), 'every new protocol enabled, as for a new mailbox');
    assert.ok(rows.some((r) => !r.PopEnabled));
    const off = await run(['set-casmailbox', 'old30', '--manage-sieve-enabled', 'false']);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(await withSieve(), COUNT - 1);
    const config = await run(['get-dovecotconfig', '--dovecot-version', '2.4']);
    assert.equal(config.code, 0, config.stderr);
    assert.match(config.stdout, /sieve \(ManageSieveEnabled\)/);
  });

  test('a fresh store records every protocol at once', async () => {
    const url = `${slapd.serverUrl}/ou=Fresh,${slapd.suffix}`;
    const init = await casctl(['init'], { store: url, env: slapd.env('service') });
    assert.equal(init.code, 0, init.stderr);
    assert.doesNotMatch(init.stderr, /Enabling|Recorded/);
    const { searchEntries } = await admin.search(`cn=casctl,ou=Fresh,${slapd.suffix}`, { scope: 'base', attributes: ['casSchemaVersion', 'casProtocol'] });
    assert.deepEqual([searchEntries[0]?.casSchemaVersion, searchEntries[0]?.casProtocol], ['2', PROTOCOLS.map((p) => p.name)]);
    assert.equal((await casctl(['get-casmailbox'], { store: url, env: slapd.env('service') })).code, 0);
  });
});
