/**
 * A plan change on LDAP is recorded before the plan is written (no transaction across entries): a
 * casctl that dies in between leaves the record `applying`. The next plan change reconciles it
 * once abandoned: the items the plan holds stay (the write got through), the others go, and a
 * record left with none is removed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INHERITED } from '../../src/core/mailbox-plans.js';
import { BUILT_IN_DEFAULTS } from '../../src/core/protocols.js';
import { ChangeLog } from '../../src/store/ldap/change-log.js';
import { LdapConnection } from '../../src/store/ldap/connection.js';
import { DirectoryLayout } from '../../src/store/ldap/layout.js';
import { PlanDirectory } from '../../src/store/ldap/mailbox-plans.js';
import { MailboxSearch } from '../../src/store/ldap/mailbox-search.js';
import { OrganizationalUnits } from '../../src/store/ldap/organizational-units.js';
import { resolveLdapSettings } from '../../src/store/ldap/settings.js';
import { parseLdapUrl } from '../../src/store/ldap/url.js';
import { openStore } from '../../src/store/open-store.js';
import { ROOT } from '../helpers/cli.js';
import { slapdSkipReason, startSlapd } from '../helpers/slapd.js';

const context = (when: Date, commandLine: string) => ({ when, osUser: 'tester', sudoUser: null, host: 'h', commandLine });

describe('LDAP: a plan change a dead run left applying', { skip: slapdSkipReason() }, () => {
  test('is completed with the items the plan holds, or removed when it holds none', async () => {
    const slapd = await startSlapd();
    const env = slapd.env('service');
    const store = await openStore(slapd.storeUrl, ROOT, { create: true, env });
    const target = parseLdapUrl(slapd.storeUrl);
    const connection = await LdapConnection.open(target, resolveLdapSettings(undefined, env, ROOT));
    try {
      const applied = await store.applyPlanChanges([{ scope: '', property: 'PopEnabled', to: false, from: INHERITED }], context(new Date(), 'casctl set-casmailboxplan Default --pop-enabled false'));
      const [plan] = await store.getMailboxPlans();
      assert.ok(plan !== undefined && applied.changeId !== null);
      // What a run that died after recording its intent leaves: two records, 20 minutes old.
      const layout = new DirectoryLayout(target.baseDn);
      const planDirectory = new PlanDirectory(connection, layout);
      const log = new ChangeLog(connection, layout, new MailboxSearch(connection, layout, new OrganizationalUnits(connection, layout)), planDirectory, async () => BUILT_IN_DEFAULTS);
      const old = new Date(Date.now() - 20 * 60_000);
      const got = await log.allocateId();
      await log.createRecord(got, context(old, 'casctl set-casmailboxplan Default --pop-enabled false --imap-enabled false'));
      // PopEnabled got through (the plan holds False); ImapEnabled never did.
      await log.writePlanChunk(got, [
        { Guid: plan.Guid, Property: 'PopEnabled', Before: INHERITED, After: false },
        { Guid: plan.Guid, Property: 'ImapEnabled', Before: INHERITED, After: false },
      ]);
      const lost = await log.allocateId();
      await log.createRecord(lost, context(old, 'casctl set-casmailboxplan Default --imap-enabled true'));
      await log.writePlanChunk(lost, [{ Guid: plan.Guid, Property: 'ImapEnabled', Before: INHERITED, After: true }]);
      assert.deepEqual((await store.getChangeRecords({ id: got }))[0]?.State, 'Applying');

      await store.applyPlanChanges([{ scope: '', property: 'PopEnabled', to: true, from: false }], context(new Date(), 'casctl set-casmailboxplan Default --pop-enabled true'));
      const [record] = await store.getChangeRecords({ id: got });
      assert.equal(record?.State, 'Complete');
      assert.deepEqual(record?.PlanChanges.map((i) => [i.Identity, i.Property, i.Before, i.After]), [['Default', 'PopEnabled', INHERITED, false]]);
      assert.deepEqual(await store.getChangeRecords({ id: lost }), []);
    } finally {
      await connection.close();
      await store.close();
      await slapd.stop();
    }
  });
});
