import { newGuid } from '../../core/guid.js';
import { StoreError } from '../../core/errors.js';
import {
  checkPlanWrites, DIRECTORY_SCOPE, INHERITED, planIdentity,
  type AppliedPlanChange, type CasMailboxPlan, type PlanSettings, type PlanSlot, type PlanWrite,
} from '../../core/mailbox-plans.js';
import { fold } from '../../core/mailbox.js';
import type { ChangeContext } from '../directory-store.js';
import type { ChangeLog } from './change-log.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { isoFromGeneralizedTime } from './entries.js';
import { ResultCode, resultCode } from './errors.js';
import type { DirectoryLayout } from './layout.js';
import { decodeSetting, encodeSetting, type RecordedPlanItem } from './plan-values.js';

const PLAN_ATTRIBUTES = ['casGuid', 'casPlanScope', 'casPlanSetting', 'casPlanVersion', 'modifyTimestamp'];

interface PlanEntry {
  plan: CasMailboxPlan;
  version: string;
}

function toPlanEntry(entry: LdapEntry): PlanEntry | null {
  const guid = entry.first('casGuid');
  if (guid === null) return null;
  const settings: PlanSettings = {};
  for (const text of entry.values('casPlanSetting')) {
    const setting = decodeSetting(text);
    if (setting !== null) settings[setting.property] = setting.value;
  }
  return {
    plan: { Guid: guid, Scope: entry.first('casPlanScope') ?? DIRECTORY_SCOPE, Settings: settings, WhenChanged: isoFromGeneralizedTime(entry.first('modifyTimestamp')) },
    version: entry.first('casPlanVersion') ?? '0',
  };
}

const slotOf = (plan: CasMailboxPlan, write: PlanWrite): PlanSlot => {
  const value = plan.Settings[write.property];
  return value === undefined ? INHERITED : value;
};

/** How many times a plan write is retried when another admin changes the same plan in between. */
const ATTEMPTS = 20;

/**
 * The CAS mailbox plans below cn=plans,cn=casctl,<base>, casctl's own entries (casctl never writes
 * OU entries). A plan entry carries casPlanVersion, and every write replaces the settings while
 * swapping the version (delete the value read, add its successor, one modify), so a write planned
 * from an older read fails with result 16 and is worked out again: a compare-and-set per plan.
 */
export class PlanDirectory {
  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
  ) {}

  async plans(): Promise<CasMailboxPlan[]> {
    return (await this.entries()).map((e) => e.plan);
  }

  private async entries(): Promise<PlanEntry[]> {
    const found = await this.connection.searchAll({
      base: this.layout.plansDn,
      scope: 'one',
      filter: '(objectClass=casMailboxPlan)',
      attributes: PLAN_ATTRIBUTES,
      missingBaseIsEmpty: true,
    });
    return found.map(toPlanEntry).filter((e): e is PlanEntry => e !== null).sort((a, b) => (fold(a.plan.Scope) < fold(b.plan.Scope) ? -1 : 1));
  }

  private async read(scope: string): Promise<PlanEntry | null> {
    const entry = await this.connection.read(this.layout.planDn(planIdentity(scope)), PLAN_ATTRIBUTES);
    return entry === null ? null : toPlanEntry(entry);
  }

  /** The plan of a scope, created empty (no value, so no change) when there is none yet. */
  private async ensure(scope: string): Promise<PlanEntry> {
    const known = await this.read(scope);
    if (known !== null) return known;
    await this.addUnlessExists(this.layout.plansDn, { objectClass: ['top', 'applicationProcess'], cn: ['plans'] });
    await this.addUnlessExists(this.layout.planDn(planIdentity(scope)), {
      objectClass: ['top', 'casMailboxPlan'],
      cn: [planIdentity(scope)],
      casGuid: [newGuid()],
      casPlanVersion: ['0'],
      casPlanScope: scope === DIRECTORY_SCOPE ? [] : [scope],
    });
    const created = await this.read(scope);
    if (created === null) throw new StoreError(`The plan ${planIdentity(scope)} vanished below ${this.layout.plansDn} while it was written.`);
    return created;
  }

  private async addUnlessExists(dn: string, attributes: Record<string, string[]>): Promise<void> {
    try {
      await this.connection.add(dn, attributes);
    } catch (error) {
      if (resultCode(error) !== ResultCode.EntryAlreadyExists) throw this.connection.fail(error, `create ${dn}`);
    }
  }

  /**
   * The intent is recorded before anything is written (as mailbox changes are: a run that dies
   * leaves it `applying`, and ChangeLog.reconcile keeps the items the plans hold); then each plan
   * is written compare-and-set, the record cut down to what applied, and completed.
   */
  async apply(writes: readonly PlanWrite[], context: ChangeContext, changeLog: ChangeLog): Promise<AppliedPlanChange> {
    checkPlanWrites(writes);
    const scopes = new Map<string, PlanWrite[]>();
    for (const write of writes) scopes.set(fold(write.scope), [...(scopes.get(fold(write.scope)) ?? []), write]);
    const current = new Map<string, PlanEntry>();
    for (const [key, group] of scopes) current.set(key, await this.ensure((group[0] as PlanWrite).scope));
    const intent = [...scopes].flatMap(([key, group]) => planItems(current.get(key) as PlanEntry, group).items);
    if (intent.length === 0) return { changeId: null, settings: 0, conflicts: [...scopes].flatMap(([key, group]) => planItems(current.get(key) as PlanEntry, group).conflicts) };
    const id = await changeLog.allocateId();
    await changeLog.createRecord(id, context);
    await changeLog.writePlanChunk(id, intent);
    const applied: RecordedPlanItem[] = [];
    const conflicts: PlanWrite[] = [];
    for (const [key, group] of scopes) {
      const result = await this.write(current.get(key) as PlanEntry, group);
      applied.push(...result.items);
      conflicts.push(...result.conflicts);
    }
    if (applied.length === 0) {
      await changeLog.discard(id);
      return { changeId: null, settings: 0, conflicts };
    }
    await changeLog.rewritePlanChunk(id, applied);
    await changeLog.complete(id);
    return { changeId: id, settings: applied.length, conflicts };
  }

  /** One plan's writes, compare-and-set on its version, worked out again from a fresh read while another writer gets in between. */
  private async write(first: PlanEntry, writes: readonly PlanWrite[]): Promise<{ items: RecordedPlanItem[]; conflicts: PlanWrite[] }> {
    let entry = first;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const result = planItems(entry, writes);
      if (result.items.length === 0) return result;
      const settings: PlanSettings = { ...entry.plan.Settings };
      for (const item of result.items) {
        if (item.After === INHERITED) delete settings[item.Property];
        else settings[item.Property] = item.After;
      }
      const dn = this.layout.planDn(planIdentity(entry.plan.Scope));
      try {
        await this.connection.modify(dn, [
          { operation: 'delete', attribute: 'casPlanVersion', values: [entry.version] },
          { operation: 'add', attribute: 'casPlanVersion', values: [String(Number(entry.version) + 1)] },
          { operation: 'replace', attribute: 'casPlanSetting', values: Object.entries(settings).map(([property, value]) => encodeSetting(property as keyof PlanSettings, value ?? null)) },
        ]);
        return result;
      } catch (error) {
        if (resultCode(error) !== ResultCode.NoSuchAttribute) throw this.connection.fail(error, `write the plan ${dn}`);
      }
      const again = await this.read(entry.plan.Scope);
      if (again === null) throw new StoreError(`The plan ${dn} was removed while it was written.`);
      entry = again;
    }
    throw new StoreError(`Could not write the plan ${planIdentity(first.plan.Scope)}: too many admins changing it at once; try again.`);
  }
}

/** What writes do to a plan as read: the items that change it, and the writes whose `from` no longer holds. */
function planItems(entry: PlanEntry, writes: readonly PlanWrite[]): { items: RecordedPlanItem[]; conflicts: PlanWrite[] } {
  const items: RecordedPlanItem[] = [];
  const conflicts: PlanWrite[] = [];
  for (const write of writes) {
    const before = slotOf(entry.plan, write);
    if (before === write.to) continue;
    if (before !== write.from) conflicts.push(write);
    else items.push({ Guid: entry.plan.Guid, Property: write.property, Before: before, After: write.to });
  }
  return { items, conflicts };
}

/** For reconcile: whether each plan holds an item's After now. */
export async function planHolds(directory: PlanDirectory): Promise<(item: RecordedPlanItem) => boolean> {
  const plans = new Map((await directory.plans()).map((plan) => [fold(plan.Guid), plan]));
  return (item) => {
    const plan = plans.get(fold(item.Guid));
    if (plan === undefined) return false;
    const value = plan.Settings[item.Property];
    return (value === undefined ? INHERITED : value) === item.After;
  };
}
