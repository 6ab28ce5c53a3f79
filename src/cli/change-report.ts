import type { Writable } from 'node:stream';
import { CHANGE_FORMATS } from '../output/format-names.js';
import type { PlanItem } from '../core/plan.js';
import { chooseProperties, render, type View } from '../output/formats.js';
import { settingChangeText } from '../output/setting-change.js';
import type { OutputRecord, OutputValue } from '../output/values.js';

/** What a change (set-casmailbox, undo, audit --fix) reports in: the plan table, a JSON result, or its items one per line. */
export { CHANGE_FORMATS };
export type ChangeFormat = (typeof CHANGE_FORMATS)[number];

/** A change item as json and ndjson show it; the table shows the items that change something, their changes in words. */
const CHANGE_ITEM_VIEW: View = {
  properties: ['Guid', 'Name', 'PrimarySmtpAddress', 'Identity', 'Source', 'Status', 'Changes'],
  defaults: ['Guid', 'Name', 'PrimarySmtpAddress', 'Identity', 'Source', 'Status', 'Changes'],
  table: ['Name', 'PrimarySmtpAddress', 'Status', 'Changes'],
  id: 'Guid',
};

interface ChangeJson extends OutputRecord {
  Property: string;
  Before: OutputValue;
  After: OutputValue;
}

function itemRecord(item: PlanItem): OutputRecord {
  return {
    Guid: item.Guid,
    Name: item.Name,
    PrimarySmtpAddress: item.PrimarySmtpAddress,
    Identity: item.namedAs?.identity ?? null,
    Source: item.namedAs?.source ?? null,
    Status: item.status,
    Changes: item.changes.map((c): ChangeJson => ({ Property: c.property, Before: c.before, After: c.after })),
  };
}

function planRow(record: OutputRecord): OutputRecord | null {
  if (record.Status === 'unchanged') return null;
  // itemRecord made it: Changes is a ChangeJson list.
  const changes = record.Changes as readonly ChangeJson[];
  const described = changes.map(settingChangeText).join(', ');
  return { Name: record.Name ?? null, PrimarySmtpAddress: record.PrimarySmtpAddress ?? null, Status: record.Status ?? null, Changes: described };
}

/** What a change run did, as a whole: json puts it before the items. */
export interface ChangeResult extends OutputRecord {
  WhatIf: boolean;
  ChangeId: number | null;
  Summary: OutputRecord;
  /** Who the change cuts off (output/change-impact.ts impactRecord); null when it turns no recorded protocol off. */
  Impact: OutputRecord | null;
}

/**
 * json: one result with every item; ndjson: the items only, one per line (the summary is on
 * stderr, as for table); table: the plan itself, only for --what-if (else the messages say it all).
 */
export async function writeChangeResult(out: Writable, items: readonly PlanItem[], result: ChangeResult, format: ChangeFormat, colour: boolean): Promise<void> {
  await render(items.map(itemRecord), out, {
    format,
    view: CHANGE_ITEM_VIEW,
    properties: chooseProperties(CHANGE_ITEM_VIEW, format, undefined),
    colour,
    shape: { kind: 'envelope', head: result, list: 'Items' },
    shown: result.WhatIf ? planRow : () => null,
  });
}
