import { effectiveEnabled } from '../../core/administrator.js';
import { fold } from '../../core/mailbox.js';
import { isCasSetting, isNullable, protocolOf, type NullableProtocol, type NullableSettingName, type SettingValue } from '../../core/protocols.js';
import { inChangeOrder } from '../change-order.js';
import { StoreError } from '../../core/errors.js';
import { loginNames } from '../login-names.js';
import {
  CHANGE_PAGE, type CasSettingName, type ChangeContext, type ChangeItem, type ChangeQuery, type ChangeRecord, type PendingChanges, type PendingSetting, type TransportConfigChange,
} from '../directory-store.js';
import { chunks } from '../../core/concurrency.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { parseDn } from '../../core/dn-syntax.js';
import { generalizedTime, isAdministratorEntry, isoFromGeneralizedTime } from './entries.js';
import { ResultCode, resultCode } from './errors.js';
import { checkSingleWriter, WRITER_ATTRIBUTE } from './single-writer.js';
import type { DirectoryLayout } from './layout.js';
import { and, anyOf, type MailboxSearch } from './mailbox-search.js';
import { enablesProtocol, settingValueOf } from './protocol-values.js';
import type { LdapMapping } from './mapping.js';
import { planIdentity, type PlanChangeItem } from '../../core/mailbox-plans.js';
import { inPlanChangeOrder } from '../change-order.js';
import { planHolds, type PlanDirectory } from './mailbox-plans.js';
import { PLAN_ITEM_PREFIX, decodePlanItem, encodePlanItem, type RecordedPlanItem } from './plan-values.js';

/** Items per casChangeItems entry: a million-mailbox change is a thousand small entries, not one huge one. */
export const ITEMS_PER_CHUNK = 1000;
/** A record still `applying` after this long belongs to a run that died; its recorded items count. */
export const ABANDONED_AFTER_MS = 15 * 60_000;
export const RECORD_CLASS = '(objectClass=casChangeRecord)';
const CHUNK_CLASS = '(objectClass=casChangeItems)';
export const RECORD_ATTRIBUTES = ['casChangeId', 'casChangeTime', 'casChangeUser', 'casChangeSudoUser', 'casChangeHost', 'casChangeCommandLine', 'casChangeUndoOf', 'casChangeState'];

export interface RecordedItem {
  Guid: string;
  Property: CasSettingName;
  Before: SettingValue;
  After: SettingValue;
}

/**
 * Where an item names an organisation default instead of a mailbox: no Guid is spelled so. A
 * change of a default is one such item in the change's block, so it takes the mailbox items' path
 * (intent first, reconcile, prune) without a schema of its own.
 */
export const TRANSPORT_CONFIG_ITEM = 'TransportConfig';

const TOKENS = new Map<string, SettingValue>([['TRUE', true], ['FALSE', false], ['NULL', null]]);
const token = (value: SettingValue): string => (value === null ? 'NULL' : value ? 'TRUE' : 'FALSE');

/** `<Guid> <Property> <Before> <After>`: Guids and property names hold no spaces; NULL is a nullable setting's $null. */
export function encodeItem(item: RecordedItem): string {
  return `${item.Guid} ${item.Property} ${token(item.Before)} ${token(item.After)}`;
}

export function decodeItem(value: string): RecordedItem | null {
  const [guid, property, before, after, ...rest] = value.split(' ');
  // A plan item (plan-values.ts) has the same shape; its prefix tells it apart.
  if (guid === undefined || guid.startsWith(PLAN_ITEM_PREFIX) || rest.length > 0 || property === undefined || !isCasSetting(property)) return null;
  const nullable = isNullable(protocolOf(property)) && guid !== TRANSPORT_CONFIG_ITEM;
  const read = (text: string | undefined): SettingValue | undefined => {
    const parsed = TOKENS.get(text ?? '');
    return parsed === null && !nullable ? undefined : parsed;
  };
  const [b, a] = [read(before), read(after)];
  if (b === undefined || a === undefined) return null;
  return { Guid: guid, Property: property, Before: b, After: a };
}

/** An item of an organisation default, as the record shows it. */
function transportChange(item: RecordedItem): TransportConfigChange | null {
  if (item.Guid !== TRANSPORT_CONFIG_ITEM || typeof item.Before !== 'boolean' || typeof item.After !== 'boolean') return null;
  return { Property: item.Property as NullableSettingName, Before: item.Before, After: item.After };
}

/**
 * The change history in the directory, below cn=casctl,<base>, so every admin host sees it:
 * a casChangeRecord per change (who, when, from where) with casChangeItems children holding its
 * items. An LDAP directory has no transaction across entries, so a change is recorded in steps:
 * the record (`applying`) and every item it is about to write, then the writes, then the items
 * cut down to those that applied, then `complete`. A run that dies leaves its record `applying`
 * with its intent, so no applied change is ever missing from the history; the next change
 * reconciles it once it is abandoned.
 */
export class ChangeLog {
  constructor(
    private readonly connection: LdapConnection,
    private readonly layout: DirectoryLayout,
    private readonly mailboxes: MailboxSearch,
    private readonly planDirectory: PlanDirectory,
    /** The organisation defaults as the container holds them now. */
    private readonly defaults: () => Promise<Readonly<Record<NullableSettingName, boolean>>>,
  ) {}

  /**
   * Hands out the next change id: casLastChangeId on the container, updated by deleting the value
   * read and adding its successor in one modify, which fails (result 16) if another admin got there
   * first; then it is read again. An id whose record exists already (a counter that replication
   * set back) is passed over. Only the one provider single-writer.ts names may hand ids out.
   */
  async allocateId(): Promise<number> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const container = await this.connection.read(this.layout.containerDn, ['casLastChangeId', WRITER_ATTRIBUTE]);
      if (container === null) throw new StoreError(`${this.layout.containerDn} is missing: run 'casctl init' on this store.`);
      const last = Number(container.first('casLastChangeId') ?? '0');
      try {
        await this.connection.modify(this.layout.containerDn, [
          ...(container.first('casLastChangeId') === null ? [] : [{ operation: 'delete' as const, attribute: 'casLastChangeId', values: [String(last)] }]),
          { operation: 'add', attribute: 'casLastChangeId', values: [String(last + 1)] },
        ]);
      } catch (error) {
        const code = resultCode(error);
        if (code !== ResultCode.NoSuchAttribute && code !== ResultCode.AttributeOrValueExists) {
          throw this.connection.fail(error, `update the change counter ${this.layout.containerDn}`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
        continue;
      }
      await checkSingleWriter(this.connection, this.layout.containerDn, container);
      if ((await this.connection.read(this.layout.changeRecordDn(last + 1), ['1.1'])) === null) return last + 1;
    }
    throw new StoreError(`Could not get a change id from ${this.layout.containerDn}: too many admins changing at once; try again.`);
  }

  async createRecord(id: number, context: ChangeContext): Promise<void> {
    const text = (value: string | null | undefined): string[] => (value === null || value === undefined || value === '' ? [] : [value]);
    try {
      await this.connection.add(this.layout.changeRecordDn(id), {
        objectClass: ['top', 'casChangeRecord'],
        casChangeId: [String(id)],
        casChangeTime: [generalizedTime(context.when)],
        casChangeUser: [context.osUser === '' ? 'unknown' : context.osUser],
        casChangeSudoUser: text(context.sudoUser),
        casChangeHost: [context.host === '' ? 'unknown' : context.host],
        casChangeCommandLine: text(context.commandLine),
        casChangeUndoOf: context.undoOf === undefined ? [] : [String(context.undoOf)],
        casChangeState: ['applying'],
      });
    } catch (error) {
      throw this.connection.fail(error, `record change ${id} below ${this.layout.containerDn}`);
    }
  }

  async writeChunk(id: number, chunk: number, items: readonly RecordedItem[]): Promise<void> {
    try {
      await this.connection.add(this.layout.changeChunkDn(id, chunk), {
        objectClass: ['top', 'casChangeItems'],
        casChangeId: [String(id)],
        casChangeChunk: [String(chunk)],
        casChangeItem: items.map(encodeItem),
        casChangeGuid: [...new Set(items.map((item) => item.Guid.toLowerCase()))],
      });
    } catch (error) {
      throw this.connection.fail(error, `record the items of change ${id}`);
    }
  }

  /** The plan items of change `id`, one block: a plan change writes a handful of settings. No casChangeGuid: it names no mailbox. */
  async writePlanChunk(id: number, items: readonly RecordedPlanItem[]): Promise<void> {
    try {
      await this.connection.add(this.layout.changeChunkDn(id, 1), {
        objectClass: ['top', 'casChangeItems'],
        casChangeId: [String(id)],
        casChangeChunk: ['1'],
        casChangeItem: items.map(encodePlanItem),
      });
    } catch (error) {
      throw this.connection.fail(error, `record the plan items of change ${id}`);
    }
  }

  /** Cuts the plan items of change `id` down to those that applied (another admin may have got to some first). */
  async rewritePlanChunk(id: number, items: readonly RecordedPlanItem[]): Promise<void> {
    try {
      await this.connection.modify(this.layout.changeChunkDn(id, 1), [{ operation: 'replace', attribute: 'casChangeItem', values: items.map(encodePlanItem) }]);
    } catch (error) {
      throw this.connection.fail(error, `record the plan items of change ${id}`);
    }
  }

  async complete(id: number): Promise<void> {
    try {
      await this.connection.modify(this.layout.changeRecordDn(id), [{ operation: 'replace', attribute: 'casChangeState', values: ['complete'] }]);
    } catch (error) {
      throw this.connection.fail(error, `complete change record ${id}`);
    }
  }

  /**
   * Cuts the intent blocks of change `id` down to the items that applied: a block left whole
   * stays as it is, an emptied one goes, any other is rewritten.
   */
  async trim(id: number, blocks: readonly (readonly RecordedItem[])[], applied: (item: RecordedItem) => boolean): Promise<void> {
    for (const [index, block] of blocks.entries()) {
      const kept = block.filter(applied);
      if (kept.length === block.length) continue;
      const dn = this.layout.changeChunkDn(id, index + 1);
      try {
        if (kept.length === 0) await this.connection.delete(dn);
        else {
          await this.connection.modify(dn, [
            { operation: 'replace', attribute: 'casChangeItem', values: kept.map(encodeItem) },
            { operation: 'replace', attribute: 'casChangeGuid', values: [...new Set(kept.map((item) => item.Guid.toLowerCase()))] },
          ]);
        }
      } catch (error) {
        if (resultCode(error) !== ResultCode.NoSuchObject) throw this.connection.fail(error, `trim the history of change ${id}`);
      }
    }
  }

  /**
   * Completes the records that runs which died left `applying`: each item stays only if its
   * mailbox holds the value it was changing to (the run got that far), and the record is then
   * complete. A record younger than ABANDONED_AFTER_MS may belong to a run still going, and is
   * left as it is: its intent blocks already list every item it may apply.
   */
  async reconcile(now: Date): Promise<number[]> {
    const open = await this.applyingRecords();
    const done: number[] = [];
    for (const entry of open) {
      const parsed = toRecord(entry);
      if (parsed === null || now.getTime() - Date.parse(parsed.record.WhenChanged) <= ABANDONED_AFTER_MS) continue;
      const id = parsed.record.Id;
      const chunks = await this.readChunks(and([CHUNK_CLASS, `(casChangeId=${id})`]));
      const planItems = chunks.flatMap((chunk) => chunk.values('casChangeItem').map(decodePlanItem).filter((i): i is RecordedPlanItem => i !== null));
      if (planItems.length > 0) {
        await this.reconcilePlanChange(id, planItems);
        done.push(id);
        continue;
      }
      const blocks = new Map<number, RecordedItem[]>();
      for (const chunk of chunks) {
        blocks.set(Number(chunk.first('casChangeChunk')), chunk.values('casChangeItem').map(decodeItem).filter((i): i is RecordedItem => i !== null));
      }
      const guids = [...new Set([...blocks.values()].flat().map((i) => i.Guid))];
      const next = await this.nextItems(id, guids);
      const { mapping } = this.layout;
      const entries = await this.mailboxes.entriesByGuid(guids, [mapping.switches.attribute, ...Object.values(mapping.settingAttributes)]);
      const defaults = await this.defaults();
      // A later change planned from what this run left: its Before is what this run had done. With
      // none, the mailbox (or the container, for a default) itself tells.
      const holdsAfter = (item: RecordedItem): boolean => {
        if (item.Guid === TRANSPORT_CONFIG_ITEM) return defaults[item.Property as NullableSettingName] === item.After;
        const later = next.get(`${fold(item.Guid)} ${item.Property}`);
        if (later !== undefined) return later.Before === item.After;
        const current = entries.get(fold(item.Guid));
        if (current === undefined) return false;
        const protocol = protocolOf(item.Property);
        return (isNullable(protocol) ? settingValueOf(current, protocol as NullableProtocol, mapping) : enablesProtocol(current, protocol, mapping)) === item.After;
      };
      const numbers = [...blocks.keys()].sort((a, b) => a - b);
      const dense = Array.from({ length: Math.max(0, ...numbers) }, (_, i) => blocks.get(i + 1) ?? []);
      await this.trim(id, dense, holdsAfter);
      if (dense.flat().some(holdsAfter)) await this.complete(id);
      else await this.discard(id);
      done.push(id);
    }
    return done;
  }

  /** A plan change a run left `applying`: the items each plan holds now were applied (a plan change holds nothing else). */
  private async reconcilePlanChange(id: number, items: readonly RecordedPlanItem[]): Promise<void> {
    const holds = await planHolds(this.planDirectory);
    const applied = items.filter(holds);
    if (applied.length === 0) {
      await this.discard(id);
      return;
    }
    await this.rewritePlanChunk(id, applied);
    await this.complete(id);
  }

  /** The records still `applying`: runs going on now, or runs that died. */
  private applyingRecords(): Promise<LdapEntry[]> {
    return this.connection.searchAll({
      base: this.layout.containerDn,
      scope: 'one',
      filter: and([RECORD_CLASS, '(casChangeState=applying)']),
      attributes: RECORD_ATTRIBUTES,
      missingBaseIsEmpty: true,
    });
  }

  /** For each (mailbox, setting) of `guids`, the item of the first change after `id` that names it. */
  private async nextItems(id: number, guids: readonly string[]): Promise<Map<string, RecordedItem & { change: number }>> {
    const next = new Map<string, RecordedItem & { change: number }>();
    for (const batch of chunks([...new Set(guids.map(fold))], 100)) {
      for (const chunk of await this.readChunks(and([CHUNK_CLASS, `(casChangeId>=${id + 1})`, anyOf('casChangeGuid', batch)]))) {
        const change = Number(chunk.first('casChangeId'));
        for (const value of chunk.values('casChangeItem')) {
          const item = decodeItem(value);
          if (item === null) continue;
          const key = `${fold(item.Guid)} ${item.Property}`;
          const known = next.get(key);
          if (known === undefined || change < known.change) next.set(key, { ...item, change });
        }
      }
    }
    return next;
  }

  /** Removes a record (and its blocks) that ended up recording nothing: every write was a no-op, or none was sent. */
  async discard(id: number): Promise<void> {
    try {
      for (const chunk of await this.readChunks(and([CHUNK_CLASS, `(casChangeId=${id})`]))) await this.connection.delete(chunk.dn);
      await this.connection.delete(this.layout.changeRecordDn(id));
    } catch (error) {
      if (resultCode(error) !== ResultCode.NoSuchObject) throw this.connection.fail(error, `remove the empty change record ${id}`);
    }
  }

  /**
   * Every record, those still `applying` too (their items are what the run set out to change),
   * oldest first, in pages (CHANGE_PAGE). The ids come first (one number per record); then a
   * search per 100 ids reads their records, and one per record its item blocks.
   */
  async *recordPages(query: ChangeQuery): AsyncGenerator<ChangeRecord[]> {
    const guids = query.guids === undefined ? undefined : new Set(query.guids.map(fold));
    const ids = await this.recordIds(query, guids);
    const names = new NameCache(this.mailboxes, this.layout.mapping);
    // Asked for mailboxes' items only, a record's plan items are none of them.
    const identities = guids === undefined ? new Map((await this.planDirectory.plans()).map((plan) => [fold(plan.Guid), planIdentity(plan.Scope)])) : undefined;
    let page: ChangeRecord[] = [];
    let held = 0;
    for (const batch of chunks(ids, CHANGE_PAGE.records)) {
      const parts = [RECORD_CLASS, anyOf('casChangeId', batch.map(String))];
      if (query.since !== undefined) parts.push(`(casChangeTime>=${generalizedTime(query.since)})`);
      const entries = await this.connection.searchAll({ base: this.layout.containerDn, scope: 'one', filter: and(parts), attributes: RECORD_ATTRIBUTES, missingBaseIsEmpty: true });
      const records = entries
        .map(toRecord)
        .filter((r): r is ParsedRecord => r !== null)
        .filter((r) => query.since === undefined || r.record.WhenChanged >= (query.since as Date).toISOString())
        .sort((a, b) => a.record.Id - b.record.Id);
      for (const { record } of records) {
        const items: RecordedItem[] = [];
        const planItems: PlanChangeItem[] = [];
        const defaults: TransportConfigChange[] = [];
        for (const chunk of await this.recordChunks(record.Id, ['casChangeItem'])) {
          for (const value of chunk.values('casChangeItem')) {
            const item = decodeItem(value);
            const change = item === null ? null : transportChange(item);
            if (change !== null) defaults.push(change);
            else if (item !== null && item.Guid !== TRANSPORT_CONFIG_ITEM && (guids === undefined || guids.has(fold(item.Guid)))) items.push(item);
            const planItem = identities === undefined ? null : decodePlanItem(value);
            if (planItem !== null) planItems.push({ ...planItem, Identity: identities?.get(fold(planItem.Guid)) ?? planItem.Guid });
          }
        }
        const current = await names.of(items.map((item) => item.Guid));
        const changes = inChangeOrder(
          items.map((item): ChangeItem => {
            const known = current.get(fold(item.Guid));
            return { ...item, Name: known?.name ?? null, PrimarySmtpAddress: known?.address ?? null };
          }),
        );
        page.push({ ...record, Changes: changes, PlanChanges: inPlanChangeOrder(planItems), ...(defaults.length > 0 ? { TransportConfig: defaults } : {}) });
        held += changes.length + planItems.length;
        if (page.length >= CHANGE_PAGE.records || held >= CHANGE_PAGE.items) {
          yield page;
          page = [];
          held = 0;
        }
      }
    }
    if (page.length > 0) yield page;
  }

  /** The ids of the records a query may select, ascending: of the records, or with guids of the blocks naming them. */
  private async recordIds(query: ChangeQuery, guids: ReadonlySet<string> | undefined): Promise<number[]> {
    const ids = new Set<number>();
    if (guids !== undefined) {
      for (const batch of chunks([...guids], 100)) {
        const filter = and([CHUNK_CLASS, anyOf('casChangeGuid', batch), ...(query.id === undefined ? [] : [`(casChangeId=${Math.trunc(query.id)})`])]);
        for (const chunk of await this.readChunks(filter, [])) ids.add(Number(chunk.first('casChangeId')));
      }
    } else {
      const parts = [RECORD_CLASS];
      if (query.id !== undefined) parts.push(`(casChangeId=${Math.trunc(query.id)})`);
      if (query.since !== undefined) parts.push(`(casChangeTime>=${generalizedTime(query.since)})`);
      for await (const page of this.connection.search({ base: this.layout.containerDn, scope: 'one', filter: and(parts), attributes: ['casChangeId'], missingBaseIsEmpty: true })) {
        for (const entry of page) ids.add(Number(entry.first('casChangeId')));
      }
    }
    return [...ids].filter((id) => Number.isInteger(id) && id > 0).sort((a, b) => a - b);
  }

  /** The item blocks of one record (its children). */
  recordChunks(id: number, attributes: readonly string[]): Promise<LdapEntry[]> {
    return this.connection.searchAll({ base: this.layout.changeRecordDn(id), scope: 'one', filter: CHUNK_CLASS, attributes, missingBaseIsEmpty: true });
  }

  /**
   * The settings changed after `afterChangeId`, with their current effective values. The newest
   * id is the counter, held below any change another admin is still applying: a refresh must not
   * mark as effective what is not written yet.
   */
  async pending(afterChangeId: number, now: Date): Promise<PendingChanges> {
    const container = await this.connection.read(this.layout.containerDn, ['casLastChangeId']);
    let through = Number(container?.first('casLastChangeId') ?? '0');
    const inFlight = await this.applyingRecords();
    for (const entry of inFlight) {
      const parsed = toRecord(entry);
      if (parsed !== null && now.getTime() - Date.parse(parsed.record.WhenChanged) <= ABANDONED_AFTER_MS) {
        through = Math.min(through, parsed.record.Id - 1);
      }
    }
    if (through <= afterChangeId) return { throughChangeId: through, settings: [] };
    const filter = and([CHUNK_CLASS, `(casChangeId>=${Math.max(0, Math.trunc(afterChangeId) + 1)})`, `(casChangeId<=${through})`]);
    const touched = new Map<string, { guid: string; property: CasSettingName }>();
    const defaultsChanged = new Set<NullableSettingName>();
    for (const chunk of await this.readChunks(filter)) {
      const id = Number(chunk.first('casChangeId'));
      if (id <= afterChangeId || id > through) continue;
      for (const value of chunk.values('casChangeItem')) {
        const item = decodeItem(value);
        if (item === null) continue;
        if (item.Guid === TRANSPORT_CONFIG_ITEM) defaultsChanged.add(item.Property as NullableSettingName);
        else touched.set(`${fold(item.Guid)} ${item.Property}`, { guid: item.Guid, property: item.Property });
      }
    }
    // A default's change turned every mailbox that follows it now (a superset of those that
    // followed it then: a mailbox that stopped since has an item of its own).
    const { mapping } = this.layout;
    for (const property of defaultsChanged) {
      const setting = mapping.settingAttributes[(protocolOf(property) as NullableProtocol).name];
      // A mapping without the setting's attribute has no mailbox following a default.
      if (setting === undefined) continue;
      for (const guid of await this.mailboxes.guidsMatching(`(!(${setting}=*))`)) {
        touched.set(`${fold(guid)} ${property}`, { guid, property });
      }
    }
    const { PrimarySmtpAddress: mail, UserPrincipalName: upn } = mapping.attributes;
    const read = [mail, upn, ...mapping.emailAddresses, mapping.switches.attribute, mapping.administrator?.attribute].filter((a): a is string => a !== null && a !== undefined);
    const entries = await this.mailboxes.entriesByGuid([...touched.values()].map((t) => t.guid), read);
    const settings: PendingSetting[] = [];
    const seen = new Set<string>();
    for (const { guid, property } of touched.values()) {
      const entry = entries.get(fold(guid));
      if (entry === undefined) continue;
      const protocol = protocolOf(property);
      const enabled = effectiveEnabled(protocol, isAdministratorEntry(entry, mapping), enablesProtocol(entry, protocol, mapping));
      const address = (mail === null ? '' : (entry.first(mail) ?? '')).toLowerCase();
      const key = `${address} ${property} ${enabled}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const addresses = mapping.emailAddresses.flatMap((attribute) => entry.values(attribute));
      settings.push({ PrimarySmtpAddress: address, logins: loginNames(address, upn === null ? null : entry.first(upn), addresses), property, enabled });
    }
    settings.sort((a, b) => (a.PrimarySmtpAddress < b.PrimarySmtpAddress ? -1 : a.PrimarySmtpAddress > b.PrimarySmtpAddress ? 1 : a.property < b.property ? -1 : a.property > b.property ? 1 : 0));
    return { throughChangeId: through, settings };
  }

  private readChunks(filter: string, items: readonly string[] = ['casChangeItem']): Promise<LdapEntry[]> {
    return this.connection.searchAll({
      base: this.layout.containerDn,
      scope: 'sub',
      filter,
      attributes: ['casChangeId', 'casChangeChunk', ...items],
      missingBaseIsEmpty: true,
    });
  }
}

interface CurrentName {
  name: string;
  address: string;
}

/** How many mailboxes' current names one read of the history remembers. */
const NAMES_CACHED = 100_000;

/**
 * The current Name and address of the mailboxes the records name (null: the mailbox is gone),
 * remembered across records: a history's changes mostly touch the same mailboxes, and each lookup
 * is a search per 100 Guids. Forgotten all at once past NAMES_CACHED, so memory stays bounded.
 */
class NameCache {
  private readonly known = new Map<string, CurrentName | null>();

  constructor(
    private readonly mailboxes: MailboxSearch,
    private readonly mapping: LdapMapping,
  ) {}

  /** A map holding (at least) every Guid asked for, folded. */
  async of(guids: readonly string[]): Promise<ReadonlyMap<string, CurrentName | null>> {
    const wanted = new Set(guids.map(fold));
    let missing = [...wanted].filter((guid) => !this.known.has(guid));
    if (missing.length === 0) return this.known;
    if (this.known.size + missing.length > NAMES_CACHED) {
      this.known.clear();
      missing = [...wanted];
    }
    const { Name: cn, PrimarySmtpAddress: mail } = this.mapping.attributes;
    const entries = await this.mailboxes.entriesByGuid(missing, [cn, mail].filter((a): a is string => a !== null));
    const first = (entry: LdapEntry, attribute: string | null): string | null => (attribute === null ? null : entry.first(attribute));
    for (const guid of missing) {
      const entry = entries.get(guid);
      const name = entry === undefined ? null : { name: parseDn(entry.dn)?.[0]?.value ?? first(entry, cn) ?? '', address: (first(entry, mail) ?? '').toLowerCase() };
      this.known.set(guid, name);
    }
    return this.known;
  }
}

export interface ParsedRecord {
  record: Omit<ChangeRecord, 'Changes' | 'PlanChanges'>;
  complete: boolean;
}

export function toRecord(entry: LdapEntry): ParsedRecord | null {
  const id = Number(entry.first('casChangeId'));
  if (!Number.isInteger(id) || id <= 0) return null;
  const undoOf = entry.first('casChangeUndoOf');
  const complete = (entry.first('casChangeState') ?? '').toLowerCase() === 'complete';
  return {
    record: {
      Id: id,
      WhenChanged: isoFromGeneralizedTime(entry.first('casChangeTime')),
      User: entry.first('casChangeUser') ?? '',
      SudoUser: entry.first('casChangeSudoUser'),
      Host: entry.first('casChangeHost') ?? '',
      CommandLine: entry.first('casChangeCommandLine') ?? '',
      UndoOf: undoOf === null ? null : Number(undoOf),
      State: complete ? 'Complete' : 'Applying',
    },
    complete,
  };
}

