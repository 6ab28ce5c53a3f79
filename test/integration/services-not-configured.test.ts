import assert from 'node:assert/strict';
import { test } from 'node:test';
import { casctl, json, sampleStore, type CliResult } from '../helpers/cli.js';
import { recordingServices } from '../helpers/recording-services.js';
import { SERVICES } from '../../src/services/services.js';

// A configuration written before casctl knew OWA: commands for the four POP3/IMAP4 services only.
const FOUR = ['MSExchangePOP3', 'MSExchangePOP3BE', 'MSExchangeIMAP4', 'MSExchangeIMAP4BE'];
const OWA = 'MSExchangeOWAAppPool';
/** Every service of the protocols since: OWA, SMTP AUTH, ManageSieve, ... */
const LATER = SERVICES.map((s) => s.Name).filter((name) => !FOUR.includes(name));
const HOW = new RegExp(`add "services"\\."commands"\\."${OWA}" with "restart" and "status" to the configuration file '[^']+casctl\\.config\\.json', or set "services"\\."preset"`);

function exits(result: CliResult, code: number): CliResult {
  assert.equal(result.code, code, result.stderr);
  return result;
}

test('without a preset, a service left out of "commands" is NotConfigured, and nothing is ever run for it', async () => {
  const store = await sampleStore();
  const services = recordingServices(FOUR);

  const shown = json(exits(await casctl(['get-service', '-o', 'json', '--config', services.config], { store }), 0));
  const owa = shown.find((s) => s.Name === OWA);
  assert.match(String(owa?.StatusMessage), HOW);
  assert.deepEqual(
    shown.map((s) => [s.Name, s.Status]),
    SERVICES.map((s) => [s.Name, FOUR.includes(s.Name) ? 'Running' : 'NotConfigured']),
  );
  const stderr = (await casctl(['get-service', '--config', services.config], { store })).stderr;
  for (const name of LATER) assert.equal(stderr.match(new RegExp(`${name} is not configured: add`, 'g'))?.length, 1, stderr);

  services.forget();
  const restart = exits(await casctl(['restart-service', '--config', services.config], { store }), 0);
  assert.match(restart.stderr, new RegExp(`Skipped ${OWA}, which is not configured: ${HOW.source}`));
  assert.deepEqual(services.ran().filter((l) => l.startsWith('restart ')).sort(), FOUR.map((n) => `restart ${n}`).sort());

  const refresh = exits(await casctl(['refresh-service', '--config', services.config], { store }), 0);
  assert.match(refresh.stderr, new RegExp(`Skipped ${OWA}`));
  assert.ok(!services.ran().some((l) => LATER.some((name) => l.includes(name))), services.ran().join('\n'));

  for (const command of ['restart-service', 'refresh-service']) {
    const named = exits(await casctl([command, OWA, '--config', services.config], { store }), 3);
    assert.match(named.stderr, new RegExp(`${OWA} is not configured: ${HOW.source}`));
  }
});

test('--restart of a change to a setting an unconfigured service serves: the others refresh, and exit 4 says it is still pending', async () => {
  const store = await sampleStore();
  const services = recordingServices(FOUR);
  const set = exits(await casctl(['set-casmailbox', 'rzaher', '--owa-enabled', 'false', '--pop-enabled', 'false', '--restart', '--yes', '--config', services.config], { store }), 4);
  assert.match(set.stderr, /Made effective on MSExchangePOP3, MSExchangePOP3BE:/);
  assert.match(set.stderr, new RegExp(`Change 1 is committed, but making it effective failed\\. ${OWA} is not configured: ${HOW.source}`));
  assert.match(set.stderr, new RegExp(`Still pending on ${OWA}: once configured, run 'casctl refresh-service ${OWA}'`));
  assert.ok(services.ran().some((l) => l.startsWith('kick MSExchangePOP3 ')), services.ran().join('\n'));
  assert.ok(!services.ran().some((l) => l.includes(OWA)));

  const shown = json(exits(await casctl(['get-service', '-o', 'json', '--config', services.config], { store }), 0));
  assert.deepEqual(
    shown.map((s) => [s.Name, s.PendingChanges]),
    SERVICES.map((s) => [s.Name, s.Name === OWA]),
  );

  // Only the unconfigured service's setting: the change commits, nothing runs, and it says what to do.
  services.forget();
  const owaOnly = exits(await casctl(['set-casmailbox', 'ebrunner@tailspintoys.com', '--owa-enabled', 'false', '--restart', '--yes', '--config', services.config], { store }), 4);
  assert.doesNotMatch(owaOnly.stderr, /Made effective on/);
  assert.match(owaOnly.stderr, new RegExp(`Change 2 is committed, but making it effective failed\\. ${OWA} is not configured: ${HOW.source}\\.\nStill pending on ${OWA}`));
  assert.deepEqual(services.ran(), []);
});
