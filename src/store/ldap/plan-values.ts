import { INHERITED, type PlanChangeItem, type PlanSlot, type PlanValue } from '../../core/mailbox-plans.js';
import { isCasSetting, type CasSettingName } from '../../core/protocols.js';

/**
 * How plan values are written in the directory: `casPlanSetting: PopEnabled FALSE` on a plan entry
 * (property names are data, so the schema needs nothing per protocol), and plan items of the change
 * history as `casChangeItem: plan:<plan Guid> PopEnabled UNSET FALSE`, told from mailbox items by
 * their prefix. Tokens: TRUE, FALSE, NULL (a nullable setting's null) and UNSET (inherited).
 */

export const PLAN_ITEM_PREFIX = 'plan:';

const TOKENS = new Map<string, PlanSlot>([['TRUE', true], ['FALSE', false], ['NULL', null], ['UNSET', INHERITED]]);

function token(slot: PlanSlot): string {
  return slot === INHERITED ? 'UNSET' : slot === null ? 'NULL' : slot ? 'TRUE' : 'FALSE';
}

export function encodeSetting(property: CasSettingName, value: PlanValue): string {
  return `${property} ${token(value)}`;
}

/** A setting value, or null for one this casctl cannot read (a protocol it does not know, a bad token). */
export function decodeSetting(text: string): { property: CasSettingName; value: PlanValue } | null {
  const [property, value, ...rest] = text.split(' ');
  const slot = TOKENS.get(value ?? '');
  if (property === undefined || !isCasSetting(property) || rest.length > 0 || slot === undefined || slot === INHERITED) return null;
  return { property, value: slot };
}

/** A plan item as recorded: the plan's Guid, not its identity, which the plan entry gives when read. */
export type RecordedPlanItem = Omit<PlanChangeItem, 'Identity'>;

export function encodePlanItem(item: RecordedPlanItem): string {
  return `${PLAN_ITEM_PREFIX}${item.Guid} ${item.Property} ${token(item.Before)} ${token(item.After)}`;
}

export function decodePlanItem(text: string): RecordedPlanItem | null {
  if (!text.startsWith(PLAN_ITEM_PREFIX)) return null;
  const [guid, property, before, after, ...rest] = text.slice(PLAN_ITEM_PREFIX.length).split(' ');
  const b = TOKENS.get(before ?? '');
  const a = TOKENS.get(after ?? '');
  if (guid === undefined || guid === '' || property === undefined || !isCasSetting(property) || rest.length > 0 || b === undefined || a === undefined) return null;
  return { Guid: guid, Property: property, Before: b, After: a };
}
