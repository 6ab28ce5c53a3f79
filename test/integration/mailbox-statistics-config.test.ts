import assert from 'node:assert/strict';
import { test } from 'node:test';
import { casctl, sampleStore } from '../helpers/cli.js';
import { recordingServices } from '../helpers/recording-services.js';

test('get-mailboxstatistics needs the services\' doveadm: none configured, or commands without a preset, is exit 3 saying what to set; nothing is read', async () => {
  const store = await sampleStore();
  // In Exchange's spelling too.
  const none = await casctl(['Get-MailboxStatistics', '-Identity', 'rzaher', '-ResultSize', 'Unlimited'], { store });
  assert.equal(none.code, 3, none.stderr);
  assert.match(none.stderr, /No protocol services are configured\. Add "services"/);
  assert.equal(none.stdout, '');

  const services = recordingServices(['MSExchangePOP3', 'MSExchangeIMAP4']);
  const commandsOnly = await casctl(['get-mailboxstatistics', '--config', services.config], { store });
  assert.equal(commandsOnly.code, 3, commandsOnly.stderr);
  assert.match(commandsOnly.stderr, /get-mailboxstatistics reads the mailboxes with doveadm, which the configuration file '[^']+' does not give: set "services"\."preset" \(and "doveadm" when doveadm runs elsewhere\)/);
  assert.deepEqual(services.ran(), []);
});

test('get-mailboxstatistics: an unknown format or property is a usage error (exit 2), before anything runs', async () => {
  const store = await sampleStore();
  const services = recordingServices(['MSExchangeIMAP4']);
  const format = await casctl(['get-mailboxstatistics', '-o', 'xml', '--config', services.config], { store });
  assert.equal(format.code, 2, format.stderr);
  assert.match(format.stderr, /Unknown output format 'xml'/);
  const property = await casctl(['get-mailboxstatistics', '--property', 'TotalItemSizes', '--config', services.config], { store });
  assert.equal(property.code, 2, property.stderr);
  assert.match(property.stderr, /Unknown property 'TotalItemSizes' in --property.*TotalItemSize/s);
});
