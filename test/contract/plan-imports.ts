import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INHERITED, type PlanValue, type PlanWrite } from '../../src/core/mailbox-plans.js';
import { CAS_SETTINGS, perCasSetting, type CasSettingName } from '../../src/core/protocols.js';
import type { ImportRecord } from '../../src/store/directory-store.js';
import { mailboxRecord } from '../helpers/memory-store.js';
import { all, context, type StoreDriver, useStore } from './support.js';

const ROOT = 'tailspintoys.com/Plans';
const REGIONS = ['R1', 'R2', 'R3', 'R4'];
const DEPARTMENTS = ['D1', 'D2', 'D3'];
const TEAMS = ['T1', 'T2'];
const OUS = REGIONS.flatMap((r) => DEPARTMENTS.flatMap((d) => TEAMS.map((t) => `${ROOT}/${r}/${d}/${t}`)));
export const PLANNED_MAILBOXES = 5000;

/** Plans at several levels: the directory, a region, a department below it, a team elsewhere. */
const PLANS: PlanWrite[] = [
  { scope: '', property: 'ImapEnabled', to: false, from: INHERITED },
  { scope: `${ROOT}/R1`, property: 'PopEnabled', to: false, from: INHERITED },
  { scope: `${ROOT}/R1/D1`, property: 'ImapEnabled', to: true, from: INHERITED },
  { scope: `${ROOT}/R2/D2/T1`, property: 'PopEnabled', to: false, from: INHERITED },
  { scope: `${ROOT}/R2/D2/T1`, property: 'ImapEnabled', to: true, from: INHERITED },
];

/** What a new mailbox in each OU gets, worked out by hand from PLANS (not by the code under test). */
function expected(ou: string): Record<CasSettingName, PlanValue> {
  const [, , region, department, team] = ou.split('/');
  const pop = !(region === 'R1' || (region === 'R2' && department === 'D2' && team === 'T1'));
  const imap = (region === 'R1' && department === 'D1') || (region === 'R2' && department === 'D2' && team === 'T1');
  // No plan sets the other settings: the built-in default, enabled ($null for a nullable one).
  return { ...perCasSetting((p) => ('nullable' in p && p.nullable === true ? null : true)), PopEnabled: pop, ImapEnabled: imap };
}

const settingsOf = (mailbox: Partial<Record<CasSettingName, PlanValue>>): Partial<Record<CasSettingName, PlanValue>> =>
  Object.fromEntries(CAS_SETTINGS.map((name) => [name, mailbox[name]]));

/** Row i: in one of the 24 OUs; every 7th row gives PopEnabled true itself, which beats the plan. */
function row(i: number): ImportRecord {
  const ou = OUS[i % OUS.length] as string;
  const record: ImportRecord = mailboxRecord({ Name: `Planned ${i}`, OrganizationalUnit: ou, PrimarySmtpAddress: `planned.${i}@tailspintoys.com` });
  for (const name of CAS_SETTINGS) delete record[name];
  const given: ImportRecord['Given'] = ['Name', 'OrganizationalUnit'];
  return i % 7 === 0 ? { ...record, PopEnabled: true, Given: [...given, 'PopEnabled'] } : { ...record, Given: given };
}

export function testPlanImports(driver: StoreDriver): void {
  describe('imports take the CAS mailbox plans', () => {
    const store = useStore(driver, async () => undefined);

    test(`${PLANNED_MAILBOXES} new mailboxes in 24 nested OUs, plans at four levels: each setting the row does not give comes from its OU's plan`, async () => {
      await store().applyPlanChanges(PLANS, context());
      const rows = Array.from({ length: PLANNED_MAILBOXES }, (_, i) => row(i));
      const whatIf = await store().importMailboxes([rows.slice(0, 30)], new Date(), { whatIf: true });
      for (const [i, item] of (whatIf.items ?? []).entries()) {
        assert.deepEqual(item.Settings, { ...expected(OUS[i % OUS.length] as string), ...(i % 7 === 0 ? { PopEnabled: true } : {}) }, `what-if row ${i}`);
      }
      const summary = await store().importMailboxes([rows.slice(0, 2500), rows.slice(2500)], new Date());
      assert.equal(summary.created, PLANNED_MAILBOXES);
      const byOu = new Map<string, number>();
      for (const mailbox of await all(store(), {}, ['Name', 'OrganizationalUnit', ...CAS_SETTINGS])) {
        const i = Number(mailbox.Name.split(' ')[1]);
        const want = { ...expected(mailbox.OrganizationalUnit), ...(i % 7 === 0 ? { PopEnabled: true } : {}) };
        assert.deepEqual(settingsOf(mailbox), want, `${mailbox.Name} in ${mailbox.OrganizationalUnit}`);
        byOu.set(mailbox.OrganizationalUnit, (byOu.get(mailbox.OrganizationalUnit) ?? 0) + 1);
      }
      assert.equal(byOu.size, OUS.length);
    });

    test(`a plan change with ${PLANNED_MAILBOXES} existing mailboxes leaves every one of them untouched`, async () => {
      // One line per mailbox (a store may read more fields than asked: only these are compared).
      const read = async (withTime = true): Promise<string> =>
        (await all(store(), {}, ['Guid', 'PopEnabled', 'ImapEnabled', 'WhenChanged']))
          .map((m) => `${m.Guid} ${m.PopEnabled} ${m.ImapEnabled}${withTime ? ` ${m.WhenChanged}` : ''}`)
          .sort()
          .join('\n');
      const before = await read();
      const applied = await store().applyPlanChanges(
        [{ scope: '', property: 'PopEnabled', to: false, from: INHERITED }, { scope: `${ROOT}/R1`, property: 'PopEnabled', to: INHERITED, from: false }],
        context(),
      );
      assert.equal(applied.settings, 2);
      assert.ok(await read() === before, 'no mailbox changed');
      const [record] = await store().getChangeRecords({ id: applied.changeId ?? -1 });
      assert.deepEqual(record?.Changes, []);
      // An update keeps its stored settings, whatever the plans now say.
      const settings = await read(false);
      const updated = await store().importMailboxes([[{ ...row(1), Department: 'Moved', Given: ['Department'] }]], new Date());
      assert.equal(updated.updated, 1);
      assert.ok(await read(false) === settings, 'no setting changed');
    });
  });
}
