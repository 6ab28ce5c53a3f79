/**
 * Several mail servers on an LDAP store: a provider and a syncrepl consumer (two real slapd), a
 * Dovecot reading the consumer, casctl writing to the provider.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, hashedSampleCsv, json, tempDir, type CliResult } from '../helpers/cli.js';
import { slapdSkipReason, startSlapd, type Slapd } from '../helpers/slapd.js';

/** Polls until `check` holds, at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an LDAP provider and a syncrepl consumer', { skip: slapdSkipReason() }, () => {
  let provider: Slapd;
  let consumer: Slapd;
  let config: string;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    casctl(args, { env: { ...provider.env('service'), CASCTL_CONFIG: config, ...env } });

  before(async () => {
    provider = await startSlapd({ replication: { provider: true } });
    consumer = await startSlapd({ replication: { from: [provider.serverUrl], readOnly: true }, accounts: provider.accounts });
    const dir = tempDir();
    config = join(dir, 'casctl.config.json');
    writeFileSync(config, JSON.stringify({ store: provider.storeUrl, readStore: consumer.storeUrl }));
    for (const args of [['init'], ['import', await hashedSampleCsv()]]) {
      const result = await run(args);
      assert.equal(result.code, 0, result.stderr);
    }
    await eventually(async () => (await run(['get-casmailbox', '-o', 'json'], { CASCTL_READ_STORE: consumer.storeUrl })).code === 0, 10_000, 'the consumer has the store');
  });
  after(async () => {
    await consumer?.stop();
    await provider?.stop();
  });

  test('a write against the consumer names the referral and the provider', async () => {
    const result = await run(['set-casmailbox', 'rand.zaher@tailspintoys.com', '--imap-enabled', 'false'], { CASCTL_STORE: consumer.storeUrl, CASCTL_CONFIG: '' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /read-only replica/);
    assert.ok(result.stderr.includes(provider.serverUrl), result.stderr);
    assert.match(result.stderr, /result 10, referral/);
  });

  test('reads go to the consumer and keep working with the provider stopped', async () => {
    const rows = json(await run(['get-casmailbox', 'rand.zaher@tailspintoys.com', '-o', 'json']));
    assert.equal(rows.length, 1);
  });
});
