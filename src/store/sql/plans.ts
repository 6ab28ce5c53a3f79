import { newGuid } from '../../core/guid.js';
import { checkPlanWrites, INHERITED, planIdentity, type AppliedPlanChange, type CasMailboxPlan, type PlanChangeItem, type PlanSlot, type PlanWrite } from '../../core/mailbox-plans.js';
import { fold } from '../../core/mailbox.js';
import { isCasSetting, type CasSettingName } from '../../core/protocols.js';
import type { ChangeContext } from '../directory-store.js';
import { insertChangeRecord } from './changes.js';
import type { SqlSession } from './client.js';
import type { SqlLayout } from './layout.js';

interface PlanRow {
  id: number;
  guid: string;
  scope: string;
  when_changed: string;
}

const toPlan = (layout: SqlLayout, row: Record<string, unknown>): PlanRow => ({
  id: layout.dialect.readInt(row.id),
  guid: row.guid as string,
  scope: row.scope as string,
  when_changed: row.when_changed as string,
});

/** Every plan with its settings; a setting row naming no protocol of this casctl (a newer one wrote it) is left out. */
export async function readPlans(session: SqlSession, layout: SqlLayout): Promise<CasMailboxPlan[]> {
  const plans = (await session.query(`SELECT id, guid, scope, when_changed FROM ${layout.own('casmailbox_plans')}`)).map((row) => toPlan(layout, row));
  const settings = await session.query(`SELECT plan_id, property, value FROM ${layout.own('casmailbox_plan_settings')}`);
  // Scope order as SQLite's NOCASE orders them, whatever the server's collation.
  plans.sort((a, b) => (fold(a.scope) < fold(b.scope) ? -1 : fold(a.scope) > fold(b.scope) ? 1 : 0));
  return plans.map((plan) => ({
    Guid: plan.guid,
    Scope: plan.scope,
    WhenChanged: plan.when_changed,
    Settings: Object.fromEntries(
      settings
        .filter((s) => layout.dialect.readInt(s.plan_id) === plan.id && isCasSetting(s.property as string))
        .map((s) => [s.property as string, s.value === null ? null : Number(s.value) === 1]),
    ),
  }));
}

const fromSlot = (slot: PlanSlot): { set: number; value: number | null } =>
  slot === INHERITED ? { set: 0, value: null } : { set: 1, value: slot === null ? null : Number(slot) };

const toSlot = (set: unknown, value: unknown): PlanSlot => (Number(set) === 0 ? INHERITED : value === null ? null : Number(value) === 1);

/**
 * Applies plan writes and records them, inside the caller's write transaction: the writer lock
 * makes it the compare-and-set (another writer waits, then sees these values).
 */
export async function applyPlanChanges(session: SqlSession, layout: SqlLayout, writes: readonly PlanWrite[], context: ChangeContext): Promise<AppliedPlanChange> {
  checkPlanWrites(writes);
  const d = layout.dialect;
  const ph = (n: number, type?: 'int' | 'text'): string => d.placeholder(n, type);
  const when = context.when.toISOString();
  const plans = new Map<string, PlanRow>();
  for (const row of await session.query(`SELECT id, guid, scope, when_changed FROM ${layout.own('casmailbox_plans')}`)) {
    const plan = toPlan(layout, row);
    plans.set(fold(plan.scope), plan);
  }
  const slots = new Map<string, PlanSlot>();
  for (const row of await session.query(`SELECT plan_id, property, value FROM ${layout.own('casmailbox_plan_settings')}`)) {
    slots.set(`${d.readInt(row.plan_id)} ${row.property as string}`, toSlot(1, row.value));
  }
  const slotOf = (plan: PlanRow | undefined, property: CasSettingName): PlanSlot => (plan === undefined ? INHERITED : (slots.get(`${plan.id} ${property}`) ?? INHERITED));
  const conflicts: PlanWrite[] = [];
  // One item per plan and setting: the first write's before, the last one's after.
  const changes = new Map<string, { plan: PlanRow; property: CasSettingName; before: PlanSlot; after: PlanSlot }>();
  for (const write of writes) {
    const before = slotOf(plans.get(fold(write.scope)), write.property);
    if (before === write.to) continue;
    if (before !== write.from) {
      conflicts.push(write);
      continue;
    }
    let plan = plans.get(fold(write.scope));
    if (plan === undefined) {
      const guid = newGuid();
      const id = await session.insertId(`INSERT INTO ${layout.own('casmailbox_plans')} (guid, scope, when_changed) VALUES (${ph(1, 'text')}, ${ph(2, 'text')}, ${ph(3, 'text')})`, [guid, write.scope, when]);
      plan = { id, guid, scope: write.scope, when_changed: when };
      plans.set(fold(write.scope), plan);
    }
    if (write.to === INHERITED) {
      await session.execute(`DELETE FROM ${layout.own('casmailbox_plan_settings')} WHERE plan_id = ${ph(1, 'int')} AND property = ${ph(2, 'text')}`, [plan.id, write.property]);
    } else {
      await session.execute(
        d.upsert(
          `INSERT INTO ${layout.own('casmailbox_plan_settings')} (plan_id, property, value) VALUES (${ph(1, 'int')}, ${ph(2, 'text')}, ${ph(3, 'int')})`,
          ['plan_id', 'property'],
          (inserted) => `value = ${inserted('value')}`,
        ),
        [plan.id, write.property, fromSlot(write.to).value],
      );
    }
    slots.set(`${plan.id} ${write.property}`, write.to);
    await session.execute(`UPDATE ${layout.own('casmailbox_plans')} SET when_changed = ${ph(1, 'text')} WHERE id = ${ph(2, 'int')}`, [when, plan.id]);
    const key = `${plan.id} ${write.property}`;
    const earlier = changes.get(key);
    changes.set(key, { plan, property: write.property, before: earlier?.before ?? before, after: write.to });
  }
  if (changes.size === 0) return { changeId: null, settings: 0, conflicts };
  const changeId = await insertChangeRecord(session, layout, context);
  for (const { plan, property, before, after } of changes.values()) {
    const b = fromSlot(before);
    const a = fromSlot(after);
    await session.execute(
      `INSERT INTO ${layout.own('plan_change_items')} (change_id, plan_guid, scope, property, before_set, before_value, after_set, after_value)
       VALUES (${[ph(1, 'int'), ph(2, 'text'), ph(3, 'text'), ph(4, 'text'), ph(5, 'int'), ph(6, 'int'), ph(7, 'int'), ph(8, 'int')].join(', ')})`,
      [changeId, plan.guid, plan.scope, property, b.set, b.value, a.set, a.value],
    );
  }
  return { changeId, settings: changes.size, conflicts };
}

/** The plan items of one change record (unsorted: store/change-order.ts orders them). */
export async function planItemsOf(session: SqlSession, layout: SqlLayout, changeId: number): Promise<PlanChangeItem[]> {
  const rows = await session.query(
    `SELECT plan_guid, scope, property, before_set, before_value, after_set, after_value FROM ${layout.own('plan_change_items')} WHERE change_id = ${layout.dialect.placeholder(1, 'int')}`,
    [changeId],
  );
  return rows
    .filter((row) => isCasSetting(row.property as string))
    .map((row) => ({
      Guid: row.plan_guid as string,
      Identity: planIdentity(row.scope as string),
      Property: row.property as CasSettingName,
      Before: toSlot(row.before_set, row.before_value),
      After: toSlot(row.after_set, row.after_value),
    }));
}
