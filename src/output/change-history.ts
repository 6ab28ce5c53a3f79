import type { Writable } from 'node:stream';
import { counted } from '../core/counted.js';
import { printable } from '../core/printable.js';
import { csvField } from './csv.js';
import { pick, writeEach, type FormatInput, type Formatter } from './formatter.js';
import { render, renderWith, type View } from './formats.js';
import { FORMATTERS, listBlock, type OutputFormat } from './formatters.js';
import { settingChangeText, settingValueText } from './setting-change.js';
import { csvValue, displayValue, type OutputRecord, type OutputValue } from './values.js';
import type { BufferedWriter } from './writer.js';

/**
 * The change history as people and spreadsheets read it. A change record (get-changelog's
 * output record) holds its items in `Changes`, each a flat `{Guid, Name, PrimarySmtpAddress,
 * Property, Before, After}`, in change order (store/change-order.ts: a mailbox's items together).
 * json and ndjson write it as it is; list writes each item in words, csv one row per item. A plan
 * change (set-casmailboxplan) holds its items in `PlanChanges` instead, `{Guid, Identity, Property,
 * Before, After}` of the plan; csv writes them in the item columns, the plan's identity as Name.
 */
export const ITEM_COLUMNS = ['Guid', 'Name', 'PrimarySmtpAddress', 'Property', 'Before', 'After'] as const;

const itemsOf = (record: OutputRecord): readonly OutputRecord[] => (Array.isArray(record.Changes) ? (record.Changes as readonly OutputRecord[]) : []);
/** A plan change's items (`PlanChanges`: `{Guid, Identity, Property, Before, After}`, the plan's Guid and scope). */
const planItemsOf = (record: OutputRecord): readonly OutputRecord[] => (Array.isArray(record.PlanChanges) ? (record.PlanChanges as readonly OutputRecord[]) : []);

interface PlanItems {
  Guid: OutputValue;
  Identity: OutputValue;
  items: OutputRecord[];
}

/** Items grouped in their order: one group per run of items of one Guid, its head made from the run's first item. */
function runsByGuid<G extends { Guid: OutputValue; items: OutputRecord[] }>(items: readonly OutputRecord[], head: (item: OutputRecord) => G): G[] {
  const groups: G[] = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last !== undefined && last.Guid === item.Guid) last.items.push(item);
    else groups.push(head(item));
  }
  return groups;
}

/** The plan items grouped by plan, in their order. */
const byPlan = (items: readonly OutputRecord[]): PlanItems[] =>
  runsByGuid(items, (item) => ({ Guid: item.Guid ?? null, Identity: item.Identity ?? null, items: [item] }));

/** A listing's `PlanChanges` in list: a line per plan, `Plan 'Default': PopEnabled Inherited → False`. */
function planLines(record: OutputRecord): string {
  return byPlan(planItemsOf(record))
    .map((p) => `Plan '${printable(displayValue(p.Identity))}': ${p.items.map((item) => printable(settingChangeText(item))).join(', ')}`)
    .join('\n');
}

/** A plan item in the csv's item columns: the plan's Guid, its identity as the Name. */
const planItemRow = (item: OutputRecord): OutputRecord => ({ Guid: item.Guid ?? null, Name: item.Identity ?? null, PrimarySmtpAddress: null, Property: item.Property ?? null, Before: item.Before ?? null, After: item.After ?? null });

const defaultsOf = (record: OutputRecord): readonly OutputRecord[] =>
  Array.isArray(record.TransportConfig) ? (record.TransportConfig as readonly OutputRecord[]) : [];

/** The organisation defaults a change set, in words: `SmtpClientAuthenticationDisabled False → True`. */
const defaultsText = (record: OutputRecord): string => defaultsOf(record).map((c) => printable(settingChangeText(c))).join(', ');

/** Who an organisation default's item names, where a mailbox's Name would stand. */
const ORGANISATION = '(organisation)';

/** The text formats show TransportConfig within Changes (json keeps it apart). */
const textColumns = (columns: readonly string[]): string[] => columns.filter((c) => c !== 'TransportConfig');

interface MailboxItems {
  Guid: OutputValue;
  Name: OutputValue;
  PrimarySmtpAddress: OutputValue;
  items: OutputRecord[];
}

/** The items grouped by mailbox, in their order: one group per run of items of one Guid. */
const byMailbox = (items: readonly OutputRecord[]): MailboxItems[] =>
  runsByGuid(items, (item) => ({ Guid: item.Guid ?? null, Name: item.Name ?? null, PrimarySmtpAddress: item.PrimarySmtpAddress ?? null, items: [item] }));

/** `Rand Zaher <rand.zaher@tailspintoys.com>`; a mailbox removed since by its Guid. */
function mailboxText(mailbox: MailboxItems): string {
  if (mailbox.Name === null) return `${printable(displayValue(mailbox.Guid))} (removed since)`;
  return `${printable(displayValue(mailbox.Name))} <${printable(displayValue(mailbox.PrimarySmtpAddress))}>`;
}

/** `PopEnabled True → False, ImapEnabled True → False`: what the set-casmailbox plan shows. */
const changesText = (mailbox: MailboxItems): string => mailbox.items.map((item) => printable(settingChangeText(item))).join(', ');

/**
 * A listing's `Changes` in list: a line per mailbox, `Name <address>: PopEnabled True → False, ...`;
 * an organisation default's change (TransportConfig) is a line of its own, so the text formats
 * show it where they show what changed.
 */
function changeLines(record: OutputRecord): string {
  const defaults = defaultsOf(record).length === 0 ? [] : [`${ORGANISATION}: ${defaultsText(record)}`];
  return [...defaults, ...byMailbox(itemsOf(record)).map((m) => `${mailboxText(m)}: ${changesText(m)}`)].join('\n');
}

/** A change of mailboxes lists no PlanChanges line: only plan changes have one. */
function listFields(record: OutputRecord, columns: readonly string[]): [string, string][] {
  return textColumns(columns)
    .filter((c) => c !== 'PlanChanges' || planItemsOf(record).length > 0)
    .map((c) => [c, c === 'Changes' ? changeLines(record) : c === 'PlanChanges' ? planLines(record) : printable(displayValue(record[c] ?? null))]);
}

async function list({ batches, columns }: FormatInput, writer: BufferedWriter): Promise<number> {
  return writeEach(batches, writer, (record, index) => listBlock(listFields(record, columns), index === 0));
}

const isItems = (column: string): boolean => column === 'Changes' || column === 'PlanChanges';

/** The csv columns: `Changes` and `PlanChanges` become the items' own columns, once, in the place of the first. */
const csvColumns = (columns: readonly string[]): string[] =>
  textColumns(columns).flatMap((c, i, shown) => (!isItems(c) ? [c] : shown.findIndex(isItems) === i ? [...ITEM_COLUMNS] : []));

/**
 * One row per item, the change's columns repeated on each (a record of no item, a prune's, is one
 * row with empty item cells); without `Changes` among the columns, one row per change.
 */
function csvRows(record: OutputRecord, columns: readonly string[], raw: boolean): string {
  const shown = textColumns(columns);
  const first = shown.findIndex(isItems);
  const row = (item: OutputRecord | null): string =>
    `${shown.flatMap((c, i) => (!isItems(c) ? [record[c] ?? null] : i === first ? ITEM_COLUMNS.map((k) => item?.[k] ?? null) : [])).map((v) => csvField(csvValue(v), raw)).join(',')}\r\n`;
  // An organisation default's change is a row too, named as the organisation rather than a mailbox.
  const items = [
    ...(columns.includes('Changes') ? [...defaultsOf(record).map((c): OutputRecord => ({ Guid: null, Name: ORGANISATION, PrimarySmtpAddress: null, ...c })), ...itemsOf(record)] : []),
    ...(columns.includes('PlanChanges') ? planItemsOf(record).map(planItemRow) : []),
  ];
  if (items.length === 0) return row(null);
  return items.map(row).join('');
}

async function csv({ batches, columns, csvRaw }: FormatInput, writer: BufferedWriter): Promise<number> {
  await writer.write(`${csvColumns(columns).map((c) => csvField(c, csvRaw)).join(',')}\r\n`);
  return writeEach(batches, writer, (record) => csvRows(record, columns, csvRaw));
}

/** get-changelog's formats: the shared ones, with list and csv that spell the items out. */
export const CHANGE_HISTORY_FORMATTERS: Readonly<Record<OutputFormat, Formatter>> = Object.freeze({
  ...FORMATTERS,
  list: { display: true, write: list },
  csv: { display: false, write: csv },
});

/** A mailbox's block in list: who it is, then `PopEnabled : True → False` per setting. */
function mailboxFields(mailbox: MailboxItems): [string, string][] {
  const text = (value: OutputValue): string => printable(displayValue(value));
  return [
    ['Name', text(mailbox.Name)],
    ['PrimarySmtpAddress', text(mailbox.PrimarySmtpAddress)],
    ['Guid', text(mailbox.Guid)],
    ...mailbox.items.map((item): [string, string] => [text(item.Property ?? null), `${settingValueText(item.Before)} → ${settingValueText(item.After)}`]),
  ];
}

/** The table's header block: who, when, from where, what, and how much. */
function headBlock(record: OutputRecord, mailboxes: number): string {
  const text = (name: string): string => printable(displayValue(record[name] ?? null));
  const items = itemsOf(record).length;
  const plans = byPlan(planItemsOf(record)).length;
  const changed =
    plans > 0
      ? `${counted(plans, 'plan')}, ${counted(planItemsOf(record).length, 'setting')} (no mailbox)`
      : items === 0 ? 'no mailbox' : `${counted(mailboxes, 'mailbox', 'mailboxes')}, ${counted(items, 'setting')}`;
  const fields: [string, string][] = [
    ['Id', text('Id')],
    ['When', text('WhenChanged')],
    ['Who', record.SudoUser === null || record.SudoUser === undefined ? text('User') : `${text('User')} (sudo: ${text('SudoUser')})`],
    ['From', text('Host')],
    ['Command', text('CommandLine')],
    ...(record.UndoOf === null || record.UndoOf === undefined ? [] : [['Undoes', `change ${text('UndoOf')}`] as [string, string]]),
    ['State', text('State')],
    ['Changed', changed],
    ...(defaultsOf(record).length === 0 ? [] : [['Organisation', `${defaultsText(record)} (the mailboxes set to $null follow it)`] as [string, string]]),
  ];
  return listBlock(fields, false);
}

const PLAN_ROWS: View = { properties: ['Identity', 'Changes'], defaults: ['Identity', 'Changes'], table: ['Identity', 'Changes'], id: 'Guid' };

/** A plan's block in list: which plan, then `PopEnabled : Inherited → False` per setting. */
function planFields(plan: PlanItems): [string, string][] {
  const text = (value: OutputValue): string => printable(displayValue(value));
  return [
    ['Plan', text(plan.Identity)],
    ['Guid', text(plan.Guid)],
    ...plan.items.map((item): [string, string] => [text(item.Property ?? null), `${displayValue(item.Before ?? null)} → ${displayValue(item.After ?? null)}`]),
  ];
}

const MAILBOX_ROWS: View = { properties: ['Name', 'PrimarySmtpAddress', 'Changes'], defaults: ['Name', 'PrimarySmtpAddress', 'Changes'], table: ['Name', 'PrimarySmtpAddress', 'Changes'], id: 'Guid' };

export interface ChangeDetailOptions {
  format: OutputFormat;
  /** The change's properties to write (list, csv, json, ndjson); table and id write what they always do. */
  columns: readonly string[];
  view: View;
  colour: boolean;
  csvRaw: boolean;
}

/**
 * One change in full (`get-changelog <id>`). table: the header block, then a row per mailbox with
 * its changes in words, as the --what-if plan showed them; list: the change's properties, then a
 * block per mailbox with a line per setting; csv: a row per item, as in the listing; json and
 * ndjson: the one object, the listing's record for it; id: the Guid of each mailbox it changed.
 */
export async function writeChangeDetail(record: OutputRecord, out: Writable, options: ChangeDetailOptions): Promise<void> {
  const mailboxes = byMailbox(itemsOf(record));
  const plans = byPlan(planItemsOf(record));
  const { format, columns, colour, csvRaw } = options;
  if (format === 'table') {
    out.write(headBlock(record, mailboxes.length));
    if (plans.length > 0) {
      const rows = plans.map((p): OutputRecord => ({ Identity: p.Identity, Changes: p.items.map(settingChangeText).join(', ') }));
      await render(rows, out, { format, view: PLAN_ROWS, properties: PLAN_ROWS.table, colour });
      return;
    }
    const rows = mailboxes.map((m): OutputRecord => ({
      Name: m.Name === null ? `${displayValue(m.Guid)} (removed since)` : m.Name,
      PrimarySmtpAddress: m.PrimarySmtpAddress,
      Changes: m.items.map(settingChangeText).join(', '),
    }));
    await render(rows, out, { format, view: MAILBOX_ROWS, properties: MAILBOX_ROWS.table, colour });
    return;
  }
  if (format === 'list') {
    const blocks = columns.includes('Changes') ? mailboxes.map((m) => listBlock(mailboxFields(m), false)).join('') : '';
    const planBlocks = columns.includes('PlanChanges') ? plans.map((p) => listBlock(planFields(p), false)).join('') : '';
    const organisation = columns.includes('Changes') && defaultsOf(record).length > 0 ? listBlock([['Organisation', defaultsText(record)]], false) : '';
    out.write(listBlock(listFields(record, columns.filter((c) => !isItems(c))), true) + organisation + blocks + planBlocks);
    return;
  }
  if (format === 'id') {
    await render(mailboxes.map((m): OutputRecord => ({ Guid: m.Guid })), out, { format, view: MAILBOX_ROWS, properties: ['Guid'], colour });
    return;
  }
  const shape = { kind: 'object' } as const;
  await renderWith(CHANGE_HISTORY_FORMATTERS, [format === 'csv' ? record : pick(record, columns)], out, { format, view: options.view, properties: columns, colour, csvRaw, shape });
}
