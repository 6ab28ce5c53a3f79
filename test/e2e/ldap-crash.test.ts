/**
 * LDAP has no transaction across entries: a casctl killed mid-change must still leave every
 * applied change in the history (its intent is recorded before the modifies), and the next change
 * reconciles the record once it is abandoned, to exactly the items that applied.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { perCasSetting } from '../../src/core/protocols.js';
import type { DirectoryStore, ImportRecord } from '../../src/store/directory-store.js';
import { openStore } from '../../src/store/open-store.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { slapdSkipReason, startSlapd } from '../helpers/slapd.js';

const COUNT = 3000;

const record = (i: number): ImportRecord => ({
  Guid: null, DistinguishedName: null, Name: `Crash User ${i}`, DisplayName: `Crash User ${i}`, Alias: `crash${i}`,
  SamAccountName: `crash${i}`, UserPrincipalName: `crash${i}@tailspintoys.com`, PrimarySmtpAddress: `crash${i}@tailspintoys.com`,
  EmailAddresses: [`crash${i}@tailspintoys.com`], OrganizationalUnit: 'tailspintoys.com/Crash', Department: 'Crash',
  Title: null, Company: null, Office: null, City: null, StateOrProvince: null, CountryOrRegion: null,
  CustomAttributes: Array.from({ length: 15 }, () => null), RecipientTypeDetails: 'UserMailbox', ...perCasSetting(() => true), SmtpClientAuthenticationDisabled: null, Password: null,
});

async function popDisabled(store: DirectoryStore): Promise<Set<string>> {
  const off = new Set<string>();
  for await (const page of store.findMailboxes({}, ['Guid', 'PopEnabled'])) for (const m of page) if (!m.PopEnabled) off.add(m.Guid.toLowerCase());
  return off;
}

async function recorded(store: DirectoryStore): Promise<Map<number, Set<string>>> {
  const byChange = new Map<number, Set<string>>();
  for (const change of await store.getChangeRecords({})) {
    byChange.set(change.Id, new Set(change.Changes.filter((c) => c.Property === 'PopEnabled' && !c.After).map((c) => c.Guid.toLowerCase())));
  }
  return byChange;
}

describe('LDAP: kill -9 in the middle of a change', { skip: slapdSkipReason() }, () => {
  test('every applied change is in the history at once, and exactly those after the next change', async (t) => {
    const slapd = await startSlapd({ sync: true });
    const env = slapd.env('service');
    const store = await openStore(slapd.storeUrl, ROOT, { create: true, env });
    try {
      await store.importMailboxes([Array.from({ length: COUNT }, (_, i) => record(i))], new Date());
      for (const [trial, delayMs] of [[1, 150], [2, 600]] as const) {
        const child = spawn(process.execPath, [BIN, 'set-casmailbox', '--filter', "Department -eq 'Crash' -and PopEnabled -eq $true", '--pop-enabled', 'false', '--yes'], {
          env: { PATH: process.env.PATH, ...env, CASCTL_STORE: slapd.storeUrl },
          stdio: 'ignore',
        });
        // Once its intent is recorded, the modifies are under way: kill it in the middle of them.
        const known = (await store.getChangeRecords({})).length;
        for (let i = 0; i < 400 && (await store.getChangeRecords({})).length === known; i++) await sleep(25);
        await sleep(delayMs);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        const applied = await popDisabled(store);
        const history = await recorded(store);
        const listed = new Set([...history.values()].flatMap((s) => [...s]));
        const missing = [...applied].filter((guid) => !listed.has(guid));
        t.diagnostic(`trial ${trial}: killed ${delayMs} ms into the modifies; ${applied.size} mailboxes have POP3 off, ${listed.size} listed in the history`);
        assert.deepEqual(missing, [], 'every applied change is in the history');
        const killed = (await store.getChangeRecords({})).at(-1);
        assert.equal(killed?.State, 'Applying', 'the record of the run that died says so');
      }
      assert.ok((await popDisabled(store)).size < COUNT, 'the kills came mid-change (else this test proves nothing)');

      // The next change, an hour on: the abandoned records are cut down to what applied, and completed.
      const later = new Date(Date.now() + 60 * 60_000);
      const [one] = (await store.resolveIdentities(['crash2999@tailspintoys.com'], { wildcards: false })).get('crash2999@tailspintoys.com') ?? [];
      assert.ok(one);
      await store.applyCasChanges([{ property: 'ImapEnabled', to: false, guids: [one.Guid] }], { when: later, osUser: 't', sudoUser: null, host: 'h', commandLine: 'casctl test' });
      const applied = await popDisabled(store);
      const listed = [...(await recorded(store)).values()].flatMap((s) => [...s]);
      assert.equal(listed.length, new Set(listed).size, 'each applied item in one change only');
      t.diagnostic(`after the next change: ${applied.size} applied, ${listed.length} listed`);
      assert.deepEqual(new Set(listed), applied, 'the history lists exactly what applied');
      assert.ok((await store.getChangeRecords({})).every((r) => r.State === 'Complete'), 'reconciled and complete');
    } finally {
      await store.close();
      await slapd.stop();
    }
  });
});
