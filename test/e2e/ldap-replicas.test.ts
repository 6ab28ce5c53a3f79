/**
 * Several mail servers on an LDAP store: a provider and a syncrepl consumer (two real slapd), a
 * real Dovecot reading the consumer as a mail server's local replica, casctl writing to the
 * provider; and two providers in multi-provider replication, of which casctl writes through one.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, hashedSampleCsv, json, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, freePort, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { imapLogin } from '../helpers/mail-login.js';
import { slapdSkipReason, startSlapd, type Slapd } from '../helpers/slapd.js';

const PASSWORD = 'Tailspin!2026';

/** Polls until `check` holds, at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A casctl run with `config` and the service account's credentials (the same on every replica). */
function runner(config: string, slapd: () => Slapd) {
  return (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => casctl(args, { env: { ...slapd().env('service'), CASCTL_CONFIG: config, ...env } });
}

async function loadSample(run: (args: string[]) => Promise<CliResult>): Promise<void> {
  for (const args of [['init'], ['import', await hashedSampleCsv()]]) {
    const result = await run(args);
    assert.equal(result.code, 0, result.stderr);
  }
}

for (const version of DOVECOT_VERSIONS) describe(`a provider, a syncrepl consumer and a Dovecot ${version} reading the consumer`, { skip: slapdSkipReason() || dovecotSkipReason(version) }, () => {
  let provider: Slapd;
  let consumer: Slapd;
  let dovecot: Dovecot;
  let config: string;
  const dir = tempDir();
  const run = runner(join(dir, 'casctl.config.json'), () => provider);
  const imap = async (user: string): Promise<boolean> => (await imapLogin(dovecot.imapPort, user, PASSWORD)).ok;
  const onConsumer: NodeJS.ProcessEnv = {};

  before(async () => {
    provider = await startSlapd({ replication: { provider: true } });
    consumer = await startSlapd({ replication: { from: [provider.serverUrl], readOnly: true }, accounts: provider.accounts });
    onConsumer.CASCTL_STORE = consumer.storeUrl;
    config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ store: provider.storeUrl, readStore: consumer.storeUrl }));
    await loadSample(run);
    await eventually(async () => (await run(['get-casmailbox', 'rand.zaher@tailspintoys.com'], onConsumer)).code === 0, 10_000, 'the consumer has the sample');
    // The mail server's own file: its local replica, its own read-only lookup account.
    const secret = join(dir, 'lookup.secret');
    writeFileSync(secret, `${provider.accounts.reader.password}\n`, { mode: 0o600 });
    const written = await run([
      'get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version,
      '--ldap-uri', consumer.serverUrl, '--ldap-bind-dn', provider.accounts.reader.dn, '--ldap-bind-password-file', secret,
    ]);
    assert.equal(written.code, 0, written.stderr);
    dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
    writeFileSync(config, JSON.stringify({
      store: provider.storeUrl,
      readStore: consumer.storeUrl,
      services: { preset: 'dovecot', servers: [{ name: 'mx1', doveadm: dovecot.doveadmPrefix, config: dovecot.config, replica: consumer.storeUrl }] },
    }));
  });
  after(async () => {
    await dovecot?.stop();
    await consumer?.stop();
    await provider?.stop();
  });

  test('Dovecot reads the consumer with its own lookup account', async () => {
    const ext = dovecot.doveadm(['config', '-n']);
    assert.equal(ext.code, 0);
    assert.ok(await imap('rand.zaher@tailspintoys.com'), dovecot.log());
  });

  test('set-casmailbox --restart on the provider: the consumer\'s Dovecot refuses the next login (timed from casctl\'s exit)', async () => {
    const user = 'rand.zaher@tailspintoys.com';
    assert.ok(await imap(user), 'cached as allowed');
    const began = performance.now();
    const off = await run(['set-casmailbox', user, '--imap-enabled', 'false', '--restart']);
    const exited = performance.now();
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stderr, /Made effective on MSExchangeIMAP4, MSExchangeIMAP4BE on mx1: 1 mailboxes/);
    // Timed to the start of the login that was refused (Dovecot delays a refusal's answer on purpose).
    let attempts = 0;
    let refusedAfter = -1;
    let answeredIn = -1;
    await eventually(async () => {
      attempts++;
      const started = performance.now();
      if (await imap(user)) return false;
      refusedAfter = started - exited;
      answeredIn = performance.now() - started;
      return true;
    }, 10_000, 'the login is refused');
    process.stderr.write(
      `# Dovecot ${version} on the consumer: casctl (write, replica wait, flush) ${(exited - began).toFixed(0)} ms; ` +
        `its exit -> the refused login: ${refusedAfter.toFixed(1)} ms (login attempt ${attempts}, refusal answered in ${answeredIn.toFixed(0)} ms)\n`,
    );
    assert.equal(attempts, 1, 'the first login after casctl exits is refused: the refresh waited for the replica');
    const back = await run(['set-casmailbox', user, '--imap-enabled', 'true', '--restart']);
    assert.equal(back.code, 0, back.stderr);
    assert.ok(await imap(user), 'admitted again at once');
  });

  test('Get-Service shows the refresh state per mail server, kept in the LDAP store', async () => {
    const rows = json(await run(['get-service', 'MSExchangeIMAP4', '-o', 'json']));
    assert.deepEqual(rows.map((r) => [r.Name, r.Server, r.PendingChanges]), [['MSExchangeIMAP4', 'mx1', false]]);
    const client = await provider.client();
    try {
      const { searchEntries } = await client.search(`cn=casctl,${provider.suffix}`, { scope: 'one', filter: '(objectClass=casServiceState)', attributes: ['cn'] });
      assert.ok(searchEntries.some((e) => e.cn === 'MSExchangeIMAP4@mx1'), JSON.stringify(searchEntries));
    } finally {
      await client.unbind();
    }
  });

  test('a second mail server that cannot be reached stays pending on its own; the reachable one is refreshed', async () => {
    const two = join(dir, 'two-servers.config.json');
    writeFileSync(two, JSON.stringify({
      store: provider.storeUrl,
      readStore: consumer.storeUrl,
      services: {
        preset: 'dovecot',
        servers: [
          { name: 'mx1', doveadm: dovecot.doveadmPrefix, config: dovecot.config, replica: consumer.storeUrl },
          { name: 'mx2', doveadm: [join(dir, 'no-such-host', 'doveadm')], replica: consumer.storeUrl },
        ],
      },
    }));
    const change = await run(['set-casmailbox', 'jweber@tailspintoys.com', '--imap-enabled', 'false'], { CASCTL_CONFIG: two });
    assert.equal(change.code, 0, change.stderr);
    const refresh = await run(['refresh-service', 'imap4', 'imap4be'], { CASCTL_CONFIG: two });
    assert.equal(refresh.code, 4, refresh.stderr);
    assert.match(refresh.stderr, /The refresh failed on 1 of 2 mail servers \(the others are refreshed\):\nmx2: /);
    assert.equal(await imap('jweber@tailspintoys.com'), false, 'refused on mx1');
    const rows = json(await run(['get-service', 'MSExchangeIMAP4', '-o', 'json'], { CASCTL_CONFIG: two }));
    assert.deepEqual(rows.map((r) => [r.Server, r.Status, r.PendingChanges]), [['mx1', 'Running', false], ['mx2', 'Stopped', true]]);
    const back = await run(['set-casmailbox', 'jweber@tailspintoys.com', '--imap-enabled', 'true', '--restart']);
    assert.equal(back.code, 0, back.stderr);
  });

  test('a write or a refresh against the consumer names the referral and the provider, and flushes nothing', async () => {
    for (const args of [['set-casmailbox', 'priya.raman@tailspintoys.com', '--imap-enabled', 'false'], ['refresh-service']]) {
      const started = Date.now();
      const result = await run(args, { ...onConsumer, CASCTL_CONFIG: config });
      assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /is a read-only replica: it refused to write cn=casctl,.* and refers writes to ldap:\/\/127\.0\.0\.1:\d+\/cn=casctl,dc=tailspintoys,dc=com \(result 10, referral\)/);
      assert.ok(result.stderr.includes(provider.serverUrl), result.stderr);
      assert.ok(Date.now() - started < 5000, 'it fails at once, before any flush');
    }
  });

  test('a replica that does not catch up: the refresh waits a bounded time, says so, and leaves the changes pending', async () => {
    const lagging = join(dir, 'lagging.config.json');
    // A replica of another provider never gets this one's changes: it stands for a consumer whose syncrepl is stuck.
    const other = await startSlapd({ replication: { provider: true }, accounts: provider.accounts });
    const stuck = await startSlapd({ replication: { from: [other.serverUrl], readOnly: true }, accounts: provider.accounts });
    try {
      writeFileSync(lagging, JSON.stringify({
        store: provider.storeUrl,
        services: { preset: 'dovecot', replicaWaitSeconds: 1, servers: [{ name: 'mx1', doveadm: dovecot.doveadmPrefix, config: dovecot.config, replica: stuck.storeUrl }] },
      }));
      const change = await run(['set-casmailbox', 'priya.raman@tailspintoys.com', '--pop-enabled', 'false'], { CASCTL_CONFIG: lagging });
      assert.equal(change.code, 0, change.stderr);
      const refresh = await run(['refresh-service'], { CASCTL_CONFIG: lagging });
      assert.equal(refresh.code, 4, refresh.stderr);
      assert.match(refresh.stderr, /has not caught up with .* within 1 s .*Nothing was flushed on mx1: its changes stay pending there/s);
      const rows = json(await run(['get-service', 'MSExchangePOP3', '-o', 'json'], { CASCTL_CONFIG: lagging }));
      assert.equal(rows[0]?.PendingChanges, true);
    } finally {
      await stuck.stop();
      await other.stop();
    }
  });

  test('reads keep working from the consumer with the provider stopped; a store URL list fails over to it', async () => {
    await provider.stop();
    const rows = json(await run(['get-casmailbox', 'rand.zaher@tailspintoys.com', '-o', 'json']));
    assert.equal(rows.length, 1);
    const list = `ldap://${provider.serverUrl.slice(7)},${consumer.serverUrl.slice(7)}/${provider.suffix}`;
    const started = Date.now();
    const failover = await run(['get-casmailbox', 'rand.zaher@tailspintoys.com', '-o', 'json'], { CASCTL_STORE: list, CASCTL_CONFIG: '' });
    assert.equal(failover.code, 0, failover.stderr);
    assert.ok(Date.now() - started < 8000, 'the stopped provider is passed over quickly');
    const write = await run(['set-casmailbox', 'rand.zaher@tailspintoys.com', '--imap-enabled', 'false'], { CASCTL_STORE: list, CASCTL_CONFIG: '' });
    assert.notEqual(write.code, 0);
    assert.match(write.stderr, /read-only replica/);
  });
});

describe('two providers in multi-provider replication: one writes casctl\'s changes', { skip: slapdSkipReason() }, () => {
  let one: Slapd;
  let two: Slapd;
  const dir = tempDir();
  const config = join(dir, 'casctl.config.json');
  writeFileSync(config, '{}');
  const run = runner(config, () => one);
  const through = (slapd: Slapd): NodeJS.ProcessEnv => ({ CASCTL_STORE: slapd.storeUrl });

  before(async () => {
    const [portOne, portTwo] = [await freePort(), await freePort()];
    const url = (port: number): string => `ldap://127.0.0.1:${port}`;
    one = await startSlapd({ port: portOne, replication: { provider: true, serverId: 1, from: [url(portTwo)] } });
    two = await startSlapd({ port: portTwo, replication: { provider: true, serverId: 2, from: [url(portOne)] }, accounts: one.accounts, empty: true });
    await loadSample((args) => run(args, through(one)));
    await eventually(async () => (await run(['get-casmailbox', 'rand.zaher@tailspintoys.com'], through(two))).code === 0, 10_000, 'the second provider has the sample');
  });
  after(async () => {
    await two?.stop();
    await one?.stop();
  });

  test('two admins writing at once through both providers: the second provider is refused, no change vanishes', async () => {
    const first = await run(['set-casmailbox', 'rand.zaher@tailspintoys.com', '--pop-enabled', 'false'], through(one));
    assert.equal(first.code, 0, first.stderr);
    const [a, b] = await Promise.all([
      run(['set-casmailbox', 'priya.raman@tailspintoys.com', '--pop-enabled', 'false'], through(one)),
      run(['set-casmailbox', 'jweber@tailspintoys.com', '--pop-enabled', 'false'], through(two)),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, /\(server ID 002\) is not the provider that writes casctl's changes: cn=casctl,dc=tailspintoys,dc=com names server ID 001/);
    assert.match(b.stderr, /Nothing was changed/);
    const history = async (slapd: Slapd): Promise<number[]> => json<{ Id: number; Changes: unknown[] }[]>(await run(['get-changelog', '-o', 'json'], through(slapd))).filter((r) => r.Changes.length > 0).map((r) => r.Id);
    const ids = await history(one);
    assert.equal(new Set(ids).size, ids.length);
    await eventually(async () => JSON.stringify(await history(two)) === JSON.stringify(ids), 10_000, 'both providers hold the same history');
    const jweber = json(await run(['get-casmailbox', 'jweber@tailspintoys.com', '-o', 'json'], through(one)));
    assert.equal(jweber[0]?.PopEnabled, true, 'the refused change wrote nothing');
  });
});
