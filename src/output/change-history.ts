import type { Writable } from 'node:stream';
import { counted } from '../core/counted.js';
import { printable } from '../core/printable.js';
import { csvField } from './csv.js';
import { pick, writeEach, type FormatInput, type Formatter } from './formatter.js';
import { render, renderWith, type View } from './formats.js';
import { FORMATTERS, listBlock, type OutputFormat } from './formatters.js';
import { settingChangeText } from './setting-change.js';
import { csvValue, displayValue, type OutputRecord, type OutputValue } from './values.js';
import type { BufferedWriter } from './writer.js';

/**
 * The change history as people and spreadsheets read it. A change record (get-changelog's
 * output record) holds its items in `Changes`, each a flat `{Guid, Name, PrimarySmtpAddress,
 * Property, Before, After}`, in change order (store/change-order.ts: a mailbox's items together).
 * json and ndjson write it as it is; list writes each item in words, csv one row per item.
 */
export const ITEM_COLUMNS = ['Guid', 'Name', 'PrimarySmtpAddress', 'Property', 'Before', 'After'] as const;

const itemsOf = (record: OutputRecord): readonly OutputRecord[] => (Array.isArray(record.Changes) ? (record.Changes as readonly OutputRecord[]) : []);

interface MailboxItems {
  Guid: OutputValue;
  Name: OutputValue;
  PrimarySmtpAddress: OutputValue;
  items: OutputRecord[];
}

/** The items grouped by mailbox, in their order: one group per run of items of one Guid. */
function byMailbox(items: readonly OutputRecord[]): MailboxItems[] {
  const groups: MailboxItems[] = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last !== undefined && last.Guid === item.Guid) last.items.push(item);
    else groups.push({ Guid: item.Guid ?? null, Name: item.Name ?? null, PrimarySmtpAddress: item.PrimarySmtpAddress ?? null, items: [item] });
  }
  return groups;
}

/** `Rand Zaher <rand.zaher@tailspintoys.com>`; a mailbox removed since by its Guid. */
function mailboxText(mailbox: MailboxItems): string {
  if (mailbox.Name === null) return `${printable(displayValue(mailbox.Guid))} (removed since)`;
  return `${printable(displayValue(mailbox.Name))} <${printable(displayValue(mailbox.PrimarySmtpAddress))}>`;
}

/** `PopEnabled True → False, ImapEnabled True → False`: what the set-casmailbox plan shows. */
const changesText = (mailbox: MailboxItems): string => mailbox.items.map((item) => printable(settingChangeText(item))).join(', ');

/** A listing's `Changes` in list: a line per mailbox, `Name <address>: PopEnabled True → False, ...`. */
function changeLines(record: OutputRecord): string {
  return byMailbox(itemsOf(record)).map((m) => `${mailboxText(m)}: ${changesText(m)}`).join('\n');
}

function listFields(record: OutputRecord, columns: readonly string[]): [string, string][] {
  return columns.map((c) => [c, c === 'Changes' ? changeLines(record) : printable(displayValue(record[c] ?? null))]);
}

async function list({ batches, columns }: FormatInput, writer: BufferedWriter): Promise<number> {
  return writeEach(batches, writer, (record, index) => listBlock(listFields(record, columns), index === 0));
}

/** The csv columns: `Changes` becomes the item's own columns, in its place. */
const csvColumns = (columns: readonly string[]): string[] => columns.flatMap((c) => (c === 'Changes' ? [...ITEM_COLUMNS] : [c]));

/**
 * One row per item, the change's columns repeated on each (a record of no item, a prune's, is one
 * row with empty item cells); without `Changes` among the columns, one row per change.
 */
function csvRows(record: OutputRecord, columns: readonly string[], raw: boolean): string {
  const row = (item: OutputRecord | null): string =>
    `${columns.flatMap((c) => (c === 'Changes' ? ITEM_COLUMNS.map((i) => item?.[i] ?? null) : [record[c] ?? null])).map((v) => csvField(csvValue(v), raw)).join(',')}\r\n`;
  const items = itemsOf(record);
  if (!columns.includes('Changes') || items.length === 0) return row(null);
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
    ...mailbox.items.map((item): [string, string] => [text(item.Property ?? null), `${displayValue(item.Before ?? null)} → ${displayValue(item.After ?? null)}`]),
  ];
}

/** The table's header block: who, when, from where, what, and how much. */
function headBlock(record: OutputRecord, mailboxes: number): string {
  const text = (name: string): string => printable(displayValue(record[name] ?? null));
  const items = itemsOf(record).length;
  const fields: [string, string][] = [
    ['Id', text('Id')],
    ['When', text('WhenChanged')],
    ['Who', record.SudoUser === null || record.SudoUser === undefined ? text('User') : `${text('User')} (sudo: ${text('SudoUser')})`],
    ['From', text('Host')],
    ['Command', text('CommandLine')],
    ...(record.UndoOf === null || record.UndoOf === undefined ? [] : [['Undoes', `change ${text('UndoOf')}`] as [string, string]]),
    ['State', text('State')],
    ['Changed', items === 0 ? 'no mailbox' : `${counted(mailboxes, 'mailbox', 'mailboxes')}, ${counted(items, 'setting')}`],
  ];
  return listBlock(fields, false);
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
  const { format, columns, colour, csvRaw } = options;
  if (format === 'table') {
    out.write(headBlock(record, mailboxes.length));
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
    out.write(listBlock(listFields(record, columns.filter((c) => c !== 'Changes')), true) + blocks);
    return;
  }
  if (format === 'id') {
    await render(mailboxes.map((m): OutputRecord => ({ Guid: m.Guid })), out, { format, view: MAILBOX_ROWS, properties: ['Guid'], colour });
    return;
  }
  const shape = { kind: 'object' } as const;
  await renderWith(CHANGE_HISTORY_FORMATTERS, [format === 'csv' ? record : pick(record, columns)], out, { format, view: options.view, properties: columns, colour, csvRaw, shape });
}
