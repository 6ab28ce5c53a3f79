import { forEachConcurrently } from '../../core/concurrency.js';
import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import type { ProgressSink } from '../../core/progress-sink.js';
import { protocolList, type Protocol } from '../../core/protocols.js';
import { ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { MAILBOX_CLASS_FILTER } from './entries.js';
import { ResultCode, resultCode } from './errors.js';
import { escapeValue } from './filter-to-ldap.js';
import type { DirectoryLayout } from './layout.js';
import { ENABLED_SERVICE_VALUES } from './protocol-values.js';

export interface BackfillTarget {
  connection: Pick<LdapConnection, 'search' | 'modify' | 'fail'>;
  layout: DirectoryLayout;
  /** The store URL, for the message that says to run init again. */
  url: string;
  /** Modifies in flight. */
  concurrency: number;
  progress?: ProgressSink;
  /** Says what the backfill does and did (stderr, in the CLI). */
  notice: (message: string) => void;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** Mailbox entries lacking any of `values`: what is left to do, so a second run starts where a first one stopped. */
function lackingFilter(values: readonly string[]): string {
  const lacking = values.map((value) => `(!(${ENABLED_SERVICE_ATTRIBUTE}=${escapeValue(value)}))`);
  return `(&${MAILBOX_CLASS_FILTER}${lacking.length === 1 ? (lacking[0] as string) : `(|${lacking.join('')})`})`;
}

async function countLacking(target: BackfillTarget, filter: string): Promise<number> {
  let n = 0;
  for await (const page of target.connection.search({ base: target.layout.baseDn, scope: 'sub', filter, attributes: ['1.1'] })) n += page.length;
  return n;
}

/** Adds `values` to the entry, tolerating what another writer did since the read: a value now present, an entry now gone. */
async function addValues(target: BackfillTarget, dn: string, values: readonly string[]): Promise<void> {
  try {
    await target.connection.modify(dn, [{ operation: 'add', attribute: ENABLED_SERVICE_ATTRIBUTE, values }]);
  } catch (error) {
    const code = resultCode(error);
    if (code === ResultCode.NoSuchObject) return;
    if (code !== ResultCode.AttributeOrValueExists) throw target.connection.fail(error, `add ${values.join(', ')} to ${dn}`);
    // One of several values appeared meanwhile, and an add fails as a whole: add the rest one by one.
    if (values.length > 1) for (const value of values) await addValues(target, dn, [value]);
  }
}

function missingValues(entry: LdapEntry, values: readonly string[]): string[] {
  const held = new Set(entry.values(ENABLED_SERVICE_ATTRIBUTE).map(fold));
  return values.filter((value) => !held.has(fold(value)));
}

/**
 * Gives every mailbox entry the casEnabledService values of `protocols`, which the store's entries
 * lack because they were made before casctl knew the protocols: absent means refused, so without
 * this the Dovecot configuration would lock every mailbox out of them. Enabled, as a new mailbox
 * is. Only entries still lacking a value are read and written, so a run that stopped midway (a
 * crash, a lost connection) finishes when started again, and a finished one does nothing. The
 * caller records the protocols only after this returns.
 */
export async function backfillProtocols(target: BackfillTarget, protocols: readonly Protocol[]): Promise<void> {
  const values = protocols.flatMap((p) => ENABLED_SERVICE_VALUES[p.name]);
  const filter = lackingFilter(values);
  const names = `${protocolList('and', protocols)} (casEnabledService: ${values.join(', ')})`;
  const total = await countLacking(target, filter);
  if (total > 0) {
    const them = protocols.length > 1 ? 'them' : 'it';
    target.notice(`Enabling ${names} for the ${count(total)} mailboxes made before casctl knew ${them}, as a new mailbox gets ${them}...`);
    target.progress?.phase('Adding protocol values', 'mailboxes', total);
    const { connection, layout, concurrency } = target;
    for await (const page of connection.search({ base: layout.baseDn, scope: 'sub', filter, attributes: [ENABLED_SERVICE_ATTRIBUTE] })) {
      await forEachConcurrently(page, concurrency, async (entry) => {
        const missing = missingValues(entry, values);
        if (missing.length > 0) await addValues(target, entry.dn, missing);
      });
      target.progress?.tick(page.length);
    }
  }
  // Mailboxes another casctl made meanwhile would lack the values too: recording the protocols then would be a lie.
  const left = await countLacking(target, filter);
  if (left > 0) {
    throw new StoreError(`${count(left)} mailboxes of ${target.url} still lack ${names} (made while init ran?): run 'casctl init --store ${target.url}' again.`);
  }
  if (total > 0) target.notice(`Enabled ${names} for ${count(total)} mailboxes.`);
}
