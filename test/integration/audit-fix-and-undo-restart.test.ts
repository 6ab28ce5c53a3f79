import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { casctl, sampleStore, STORE_KINDS, tempDir, type CliResult } from '../helpers/cli.js';
import { recordingServices } from '../helpers/recording-services.js';
import { SERVICES as REGISTRY_SERVICES } from '../../src/services/services.js';

// Every registry service: a config without a preset gives each its commands.
const SERVICES = REGISTRY_SERVICES.map((s) => s.Name);
const of = (protocol: string): string[] => REGISTRY_SERVICES.filter((s) => s.protocol.name === protocol).map((s) => s.Name);
const POP3 = of('pop3');
const IMAP4 = of('imap');

/** The services each kind of command ran for, in a stable order. */
function servicesThat(ran: readonly string[], command: string): string[] {
  return [...new Set(ran.filter((line) => line.startsWith(`${command} `)).map((line) => line.split(' ')[1] ?? ''))].sort();
}

function ok(result: CliResult, code = 0): CliResult {
  assert.equal(result.code, code, result.stderr);
  return result;
}

for (const kind of STORE_KINDS) {
  describe(`--restart of undo and audit --fix on ${kind}`, () => {
    test('undo --restart makes the undo effective on the services of the settings it restores, and only when it restores any', async () => {
      const store = await sampleStore(kind);
      const services = recordingServices(SERVICES);
      ok(await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '--yes'], { store }));

      const whatIf = ok(await casctl(['undo', '1', '--restart', '--what-if', '--config', services.config], { store }));
      assert.deepEqual(services.ran(), [], `--what-if runs nothing\n${whatIf.stderr}`);

      const undo = ok(await casctl(['undo', '1', '--restart', '--yes', '--config', services.config], { store }));
      const ran = services.ran();
      assert.deepEqual(servicesThat(ran, 'status'), [...POP3].sort(), 'checked before the undo is written');
      assert.deepEqual(servicesThat(ran, 'flush'), [...POP3].sort(), 'the POP3 logins of the two mailboxes flushed');
      assert.ok(ran.some((line) => /^flush MSExchangePOP3 .*rzaher/.test(line)), ran.join('\n'));
      assert.deepEqual(servicesThat(ran, 'restart'), [], 'a refresh, as set-casmailbox --restart does');
      assert.deepEqual(ran.filter((line) => IMAP4.some((s) => line.includes(s))), [], 'IMAP4 was not touched');
      assert.match(undo.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE: 2 mailboxes/);
      assert.doesNotMatch(undo.stderr, /For the change to take effect/);

      services.forget();
      const again = ok(await casctl(['undo', '1', '--restart', '--yes', '--config', services.config], { store }));
      assert.deepEqual(services.ran(), [], `nothing left to undo: nothing run\n${again.stderr}`);
      assert.doesNotMatch(again.stderr, /Made effective/);
    });

    test('audit --fix --restart makes the fix effective on the services of the settings it fixed; never for --what-if or a clean audit', async () => {
      const store = await sampleStore(kind);
      const services = recordingServices(SERVICES);
      const policy = join(tempDir(), 'policy.yml');
      writeFileSync(policy, 'rules:\n  - name: Finance has no IMAP4\n    organizationalUnit: North America/Finance\n    expect: { ImapEnabled: false }\n');

      const whatIf = ok(await casctl(['audit', policy, '--fix', '--restart', '--what-if', '--config', services.config], { store }), 5);
      assert.deepEqual(services.ran(), [], `--what-if runs nothing\n${whatIf.stderr}`);

      const fix = ok(await casctl(['audit', policy, '--fix', '--restart', '--yes', '--config', services.config], { store }));
      const ran = services.ran();
      assert.deepEqual(servicesThat(ran, 'status'), [...IMAP4].sort());
      assert.deepEqual(servicesThat(ran, 'flush'), [...IMAP4].sort());
      assert.deepEqual(servicesThat(ran, 'kick'), [...IMAP4].sort(), 'the sessions of mailboxes that lost IMAP4 are ended');
      assert.deepEqual(ran.filter((line) => POP3.some((s) => line.split(' ')[1] === s)), [], 'POP3 was not touched');
      assert.match(fix.stderr, /Made effective on MSExchangeIMAP4, MSExchangeIMAP4BE: \d+ mailboxes/);
      assert.doesNotMatch(fix.stderr, /For the change to take effect/);

      services.forget();
      ok(await casctl(['audit', policy, '--fix', '--restart', '--yes', '--config', services.config], { store }));
      assert.deepEqual(services.ran(), [], 'a clean audit fixes nothing: nothing run');
    });

    test('without --restart the hint says what to run; --restart without --fix is a usage error; a stopped service changes nothing', async () => {
      const store = await sampleStore(kind);
      const policy = join(tempDir(), 'policy.yml');
      writeFileSync(policy, 'rules:\n  - name: rzaher has no POP3\n    identities: [rzaher]\n    expect: { PopEnabled: false }\n');
      const alone = await casctl(['audit', policy, '--restart'], { store });
      assert.equal(alone.code, 2);
      assert.match(alone.stderr, /--restart .* goes with --fix/);

      const stopped = join(tempDir(), 'casctl.config.json');
      writeFileSync(stopped, JSON.stringify({ services: { commands: Object.fromEntries(SERVICES.map((name) => [name, { restart: ['true'], status: ['false'] }])) } }));
      const refused = await casctl(['audit', policy, '--fix', '--restart', '--yes', '--config', stopped], { store });
      assert.equal(refused.code, 4, refused.stderr);
      assert.match(refused.stderr, /MSExchangePOP3 is not running/);
      assert.equal((await casctl(['get-changelog', '-o', 'json'], { store })).stdout.trim(), '[]', 'nothing written');

      const fix = ok(await casctl(['audit', policy, '--fix', '--yes'], { store }));
      assert.match(fix.stderr, /For the change to take effect, run 'casctl refresh-service' or restart: MSExchangePOP3, MSExchangePOP3BE \(or use --restart next time\)/);
      const undo = await casctl(['undo', '1', '--restart', '--yes', '--config', stopped], { store });
      assert.equal(undo.code, 4, undo.stderr);
      assert.equal(JSON.parse((await casctl(['get-changelog', '-o', 'json'], { store })).stdout).length, 1, 'the undo was not written');
    });
  });
}
