/**
 * ManageSieveEnabled is one registry entry: on both stores it is an option with its Exchange-style
 * spelling, a filter property, a column of the list, JSON and CSV views (not of the table), an
 * import column, an audit setting, a change that undo restores, and the CasctlManageSieve service.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { casctl, json, sampleStore, STORE_KINDS, tempDir, type CliResult } from '../helpers/cli.js';

/** Services whose commands only write down what ran, so the test sees which service a change refreshed. */
function recordingConfig(): { config: string; ran: () => string } {
  const dir = tempDir();
  const log = join(dir, 'ran.log');
  const script = join(dir, 'record.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n`);
  chmodSync(script, 0o755);
  const config = join(dir, 'casctl.config.json');
  writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', doveadm: [script] } }));
  return { config, ran: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
}

for (const kind of STORE_KINDS) {
  describe(`ManageSieveEnabled on ${kind}`, () => {
    test('set, filter, views, undo: -ManageSieveEnabled $false is --manage-sieve-enabled false', async () => {
      const store = await sampleStore(kind);
      const run = (args: string[]): Promise<CliResult> => casctl(args, { store });
      const off = await run(['Set-CASMailbox', '-Identity', 'Rand Zaher', '-ManageSieveEnabled', '$false']);
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stderr, /restart: CasctlManageSieve/);
      const filtered = await run(['get-casmailbox', '--filter', 'ManageSieveEnabled -eq $false', '-o', 'json', '--property', 'Name,ManageSieveEnabled']);
      assert.deepEqual(json(filtered), [{ Name: 'Rand Zaher', ManageSieveEnabled: false }]);
      const list = await run(['get-casmailbox', 'rzaher', '-o', 'list']);
      assert.match(list.stdout, /^ManageSieveEnabled +: False$/m);
      const csv = (await run(['get-casmailbox', 'rzaher', '-o', 'csv'])).stdout.split('\r\n');
      const column = (csv[0] ?? '').split(',').indexOf('ManageSieveEnabled');
      assert.ok(column > 0, csv[0]);
      assert.equal((csv[1] ?? '').split(',')[column], 'False');
      assert.doesNotMatch((await run(['get-casmailbox', 'rzaher'])).stdout, /ManageSieve/, 'not in the default table');
      const changes = json<{ Changes: { Property: string; Before: boolean; After: boolean }[] }[]>(await run(['get-changelog', '-o', 'json']));
      assert.deepEqual(changes.at(-1)?.Changes.map((c) => [c.Property, c.Before, c.After]), [['ManageSieveEnabled', true, false]]);
      const undo = await run(['undo', '1', '--yes']);
      assert.equal(undo.code, 0, undo.stderr);
      assert.deepEqual(json(await run(['get-casmailbox', 'rzaher', '-o', 'json', '--property', 'ManageSieveEnabled'])), [{ ManageSieveEnabled: true }]);
    });

    test('import takes a ManageSieveEnabled column; audit checks it; --restart refreshes CasctlManageSieve only', async () => {
      const store = await sampleStore(kind);
      const { config, ran } = recordingConfig();
      const run = (args: string[]): Promise<CliResult> => casctl(args, { store, env: { CASCTL_CONFIG: config } });
      const file = join(tempDir(), 'sieve.csv');
      writeFileSync(file, 'Name,PrimarySmtpAddress,OrganizationalUnit,ManageSieveEnabled\nSieve Less,sieve.less@tailspintoys.com,tailspintoys.com/Sieve,FALSE\nSieve Full,sieve.full@tailspintoys.com,tailspintoys.com/Sieve,\n');
      const imported = await run(['import', file]);
      assert.equal(imported.code, 0, imported.stderr);
      const rows = json<{ Name: string; ManageSieveEnabled: boolean; PopEnabled: boolean }[]>(await run(['get-casmailbox', '--organizational-unit', 'Sieve', '-o', 'json']));
      assert.deepEqual(rows.map((r) => [r.Name, r.ManageSieveEnabled, r.PopEnabled]).sort(), [['Sieve Full', true, true], ['Sieve Less', false, true]]);

      const policy = join(tempDir(), 'policy.yml');
      writeFileSync(policy, 'rules:\n  - name: no ManageSieve in Sieve\n    organizationalUnit: Sieve\n    expect: { ManageSieveEnabled: false }\n');
      const audit = await run(['audit', policy, '-o', 'json']);
      assert.equal(audit.code, 5, audit.stderr);
      assert.match(audit.stdout, /"Reason":"ManageSieveEnabled is True, expected False"/);
      const fix = await run(['audit', policy, '--fix', '--yes', '--restart']);
      assert.equal(fix.code, 0, fix.stderr);
      assert.match(fix.stderr, /Made effective on CasctlManageSieve: 1 mailboxes/);
      assert.match(ran(), /auth cache flush -- sieve\.full@tailspintoys\.com/);
      // Its short name selects it.
      const services = json<{ Name: string; PendingChanges: boolean }[]>(await run(['get-service', 'sieve', '-o', 'json']));
      assert.deepEqual(services.map((s) => [s.Name, s.PendingChanges]), [['CasctlManageSieve', false]]);
    });
  });
}
