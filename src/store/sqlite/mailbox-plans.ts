import { newGuid } from '../../core/guid.js';
import { checkPlanWrites, INHERITED, planIdentity, type AppliedPlanChange, type CasMailboxPlan, type PlanChangeItem, type PlanSlot, type PlanWrite } from '../../core/mailbox-plans.js';
import { fold } from '../../core/mailbox.js';
import { isCasSetting, type CasSettingName } from '../../core/protocols.js';
import type { ChangeContext } from '../directory-store.js';
import type { Db } from './connection.js';

interface PlanRow {
  id: number;
  guid: string;
  scope: string;
  when_changed: string;
}

/** Every plan with its settings; a setting row naming no protocol of this casctl (a newer one wrote it) is left out. */
export function readPlans(db: Db): CasMailboxPlan[] {
  const plans = db.prepare<[], PlanRow>('SELECT id, guid, scope, when_changed FROM casmailbox_plans ORDER BY scope').all();
  const settings = db.prepare<[number], { property: string; value: number | null }>('SELECT property, value FROM casmailbox_plan_settings WHERE plan_id = ?');
  return plans.map((row) => ({
    Guid: row.guid,
    Scope: row.scope,
    WhenChanged: row.when_changed,
    Settings: Object.fromEntries(
      settings
        .all(row.id)
        .filter((s) => isCasSetting(s.property))
        .map((s) => [s.property, s.value === null ? null : s.value === 1]),
    ),
  }));
}

const fromSlot = (slot: PlanSlot): { set: number; value: number | null } =>
  slot === INHERITED ? { set: 0, value: null } : { set: 1, value: slot === null ? null : Number(slot) };

const toSlot = (set: number, value: number | null): PlanSlot => (set === 0 ? INHERITED : value === null ? null : value === 1);

/**
 * Applies plan writes and records them, inside the caller's write transaction: the transaction is
 * the compare-and-set (another writer waits on the lock, then sees these values).
 */
export function applyPlanChanges(db: Db, writes: readonly PlanWrite[], context: ChangeContext): AppliedPlanChange {
  checkPlanWrites(writes);
  const when = context.when.toISOString();
  const byScope = new Map<string, PlanRow>();
  const planOf = (scope: string): PlanRow | undefined => {
    const key = fold(scope);
    const known = byScope.get(key) ?? db.prepare<[string], PlanRow>('SELECT id, guid, scope, when_changed FROM casmailbox_plans WHERE scope = ?').get(scope);
    if (known !== undefined) byScope.set(key, known);
    return known;
  };
  const current = db.prepare<[number, string], { value: number | null }>('SELECT value FROM casmailbox_plan_settings WHERE plan_id = ? AND property = ?');
  const slotOf = (plan: PlanRow | undefined, property: CasSettingName): PlanSlot => {
    if (plan === undefined) return INHERITED;
    const row = current.get(plan.id, property);
    return row === undefined ? INHERITED : toSlot(1, row.value);
  };
  const conflicts: PlanWrite[] = [];
  const changes: { plan: PlanRow; write: PlanWrite; before: PlanSlot }[] = [];
  for (const write of writes) {
    const before = slotOf(planOf(write.scope), write.property);
    if (before === write.to) continue;
    if (before !== write.from) {
      conflicts.push(write);
      continue;
    }
    let plan = planOf(write.scope);
    if (plan === undefined) {
      const row = { guid: newGuid(), scope: write.scope, when_changed: when };
      const id = Number(db.prepare('INSERT INTO casmailbox_plans (guid, scope, when_changed) VALUES (:guid, :scope, :when_changed)').run(row).lastInsertRowid);
      plan = { id, ...row };
      byScope.set(fold(write.scope), plan);
    }
    if (write.to === INHERITED) db.prepare('DELETE FROM casmailbox_plan_settings WHERE plan_id = ? AND property = ?').run(plan.id, write.property);
    else db.prepare('INSERT OR REPLACE INTO casmailbox_plan_settings (plan_id, property, value) VALUES (?, ?, ?)').run(plan.id, write.property, fromSlot(write.to).value);
    db.prepare('UPDATE casmailbox_plans SET when_changed = ? WHERE id = ?').run(when, plan.id);
    changes.push({ plan, write, before });
  }
  if (changes.length === 0) return { changeId: null, settings: 0, conflicts };
  const changeId = Number(
    db
      .prepare('INSERT INTO change_records (when_changed, os_user, sudo_user, host, command_line, undo_of) VALUES (?, ?, ?, ?, ?, ?)')
      .run(when, context.osUser, context.sudoUser, context.host, context.commandLine, context.undoOf ?? null).lastInsertRowid,
  );
  const record = db.prepare(
    `INSERT INTO plan_change_items (change_id, plan_guid, scope, property, before_set, before, after_set, after)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET after_set = excluded.after_set, after = excluded.after`,
  );
  for (const { plan, write, before } of changes) {
    const b = fromSlot(before);
    const a = fromSlot(write.to);
    record.run(changeId, plan.guid, plan.scope, write.property, b.set, b.value, a.set, a.value);
  }
  const settings = db.prepare<[number], number>('SELECT count(*) FROM plan_change_items WHERE change_id = ?').pluck().get(changeId) ?? 0;
  return { changeId, settings, conflicts };
}

type PlanItemRow = [string, string, string, number, number | null, number, number | null];

/** Reads the plan items of one change record (unsorted: store/change-order.ts orders them). */
export function planItemsOf(db: Db): (changeId: number) => PlanChangeItem[] {
  const items = db
    .prepare<[number], PlanItemRow>('SELECT plan_guid, scope, property, before_set, before, after_set, after FROM plan_change_items WHERE change_id = ?')
    .raw(true);
  return (changeId) =>
    items
      .all(changeId)
      .filter((row) => isCasSetting(row[2]))
      .map(([guid, scope, property, beforeSet, before, afterSet, after]) => ({
        Guid: guid,
        Identity: planIdentity(scope),
        Property: property as CasSettingName,
        Before: toSlot(beforeSet, before),
        After: toSlot(afterSet, after),
      }));
}
