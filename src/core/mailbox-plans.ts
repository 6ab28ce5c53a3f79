import { DIRECTORY_PLAN_NAME } from './directory-plan-name.js';
import { UsageError } from './errors.js';
import { fold } from './mailbox.js';
import { PROTOCOLS, protocolOf, type CasSettingName, type Protocol } from './protocols.js';

/**
 * CAS mailbox plans (Exchange's CASMailboxPlan, scoped like Zimbra's class of service): the
 * defaults a new mailbox takes, for the whole directory and per OU. A plan is sparse: a setting it
 * does not hold is inherited from the plan of the OU above, then the directory plan, then the
 * built-in default. Property names are data here, so a protocol added to the registry is plannable
 * without a migration.
 */

/** A plan's value of a setting: null only where the registry lets a setting be null (`nullable: true`). */
export type PlanValue = boolean | null;

/** What a plan holds for a setting, in history and writes: a value, or nothing (inherited). */
export const INHERITED = 'Inherited' as const;
export type PlanSlot = PlanValue | typeof INHERITED;

export type PlanSettings = Partial<Record<CasSettingName, PlanValue>>;

/** The scope of the directory plan, as the stores keep it; an OU plan's scope is the OU's canonical name. */
export const DIRECTORY_SCOPE = '';

export interface CasMailboxPlan {
  Guid: string;
  /** DIRECTORY_SCOPE, or the canonical name of an OU. */
  Scope: string;
  Settings: PlanSettings;
  WhenChanged: string;
}

/** The identity a plan is shown and named by: `Default`, or its OU's canonical name. */
export function planIdentity(scope: string): string {
  return scope === DIRECTORY_SCOPE ? DIRECTORY_PLAN_NAME : scope;
}

/**
 * Whether the registry lets this setting be null (SmtpClientAuthenticationDisabled: follow the
 * organisation default). Read as an optional field, so entries without it need none.
 */
export function acceptsNull(protocol: Protocol): boolean {
  return 'nullable' in protocol && protocol.nullable === true;
}

/** The built-in default of a setting, the last in the chain: enabled, or for a nullable setting null. */
export function builtInDefault(protocol: Protocol): PlanValue {
  return acceptsNull(protocol) ? null : true;
}

/** A value a plan may hold for `property`, or why not. */
export function planValueProblem(property: CasSettingName, value: PlanValue): string | null {
  if (value !== null || acceptsNull(protocolOf(property))) return null;
  return `${property} cannot be $null in a plan: it takes $true or $false (clear it to inherit).`;
}

/** Refuses writes of a value a plan may not hold, before a store writes any (every store's rule). */
export function checkPlanWrites(writes: readonly PlanWrite[]): void {
  for (const write of writes) {
    const problem = write.to === INHERITED ? null : planValueProblem(write.property, write.to);
    if (problem !== null) throw new UsageError(problem);
  }
}

/** One write of a plan setting, compare-and-set: applied only while the plan still holds `from`. */
export interface PlanWrite {
  /** The plan's scope (DIRECTORY_SCOPE or an OU's canonical name); the store creates the plan on its first write. */
  scope: string;
  property: CasSettingName;
  to: PlanSlot;
  from: PlanSlot;
}

/** One setting of one plan a change wrote (a change record's PlanChanges). */
export interface PlanChangeItem {
  /** The plan's Guid. */
  Guid: string;
  /** `Default` or the OU's canonical name (planIdentity). */
  Identity: string;
  Property: CasSettingName;
  Before: PlanSlot;
  After: PlanSlot;
}

export interface AppliedPlanChange {
  /** Null when nothing changed (no record is written). */
  changeId: number | null;
  settings: number;
  /** The writes whose `from` no longer held: another change got there first; nothing of them was written. */
  conflicts: PlanWrite[];
}

/** Where a setting's effective default comes from: a plan's identity, or `BuiltIn`. */
export const BUILT_IN = 'BuiltIn';

export interface EffectiveSetting {
  value: PlanValue;
  source: string;
}

/** Each setting's default for a new mailbox, and where it comes from. */
export type EffectivePlan = Record<CasSettingName, EffectiveSetting>;

/** The scopes that decide for OU `ou`, nearest first: the OU, each OU above it, the directory. */
export function scopeChain(ou: string): string[] {
  const segments = ou.split('/');
  // The first segment is the domain, not an OU: its plan is the directory plan.
  const chain: string[] = [];
  for (let n = segments.length; n >= 2; n--) chain.push(segments.slice(0, n).join('/'));
  chain.push(DIRECTORY_SCOPE);
  return chain;
}

/**
 * The plans of a directory, by scope: what import, audit and get-casmailboxplan ask "what would a
 * new mailbox in OU X get", per setting, the nearest plan that holds it winning.
 */
export class PlanBook {
  private readonly byScope = new Map<string, CasMailboxPlan>();
  private readonly cache = new Map<string, EffectivePlan>();

  constructor(plans: readonly CasMailboxPlan[]) {
    for (const plan of plans) this.byScope.set(fold(plan.Scope), plan);
  }

  plan(scope: string): CasMailboxPlan | undefined {
    return this.byScope.get(fold(scope));
  }

  get plans(): CasMailboxPlan[] {
    return [...this.byScope.values()];
  }

  /** The effective defaults in an OU (DIRECTORY_SCOPE: the directory plan's alone). Remembered per OU: an import asks once per row. */
  effective(ou: string): EffectivePlan {
    const key = fold(ou);
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const chain = ou === DIRECTORY_SCOPE ? [DIRECTORY_SCOPE] : scopeChain(ou);
    const plans = chain.map((scope) => this.plan(scope)).filter((p): p is CasMailboxPlan => p !== undefined);
    const effective = Object.fromEntries(
      PROTOCOLS.map((protocol): [CasSettingName, EffectiveSetting] => {
        const deciding = plans.find((plan) => protocol.property in plan.Settings);
        const value = deciding?.Settings[protocol.property];
        return [protocol.property, deciding === undefined || value === undefined ? { value: builtInDefault(protocol), source: BUILT_IN } : { value, source: planIdentity(deciding.Scope) }];
      }),
    ) as EffectivePlan;
    this.cache.set(key, effective);
    return effective;
  }
}
