import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { PROTOCOLS, protocolList, type Protocol } from '../../core/protocols.js';
import type { LdapConnection, LdapEntry } from './connection.js';
import { isSchemaProblem } from './errors.js';
import { backfillProtocols, type BackfillTarget } from './protocol-backfill.js';

/**
 * Which protocols a store's mailbox entries carry casEnabledService values for, recorded on
 * cn=casctl (casProtocol, schema/casmailbox.schema). A protocol casctl learns after the store was
 * made is missing from every entry made before, and a missing value means refused, so a casctl
 * that manages it must not read, write or print a Dovecot configuration for the store until
 * `casctl init` has added the values (protocol-backfill.ts) and recorded the protocol. Generic
 * over the registry: a new protocol needs nothing here.
 */

export const PROTOCOL_ATTRIBUTE = 'casProtocol';

/** Layout 1 (casctl before casProtocol existed) wrote the values of these, and only these. */
const LAYOUT_1_PROTOCOLS: readonly string[] = ['pop3', 'imap'];

/** What init works with: the whole connection, as it also reads and creates entries. */
export type UpgradeTarget = BackfillTarget & { connection: LdapConnection };

/** The protocols the store's entries carry, folded, as cn=casctl of layout `version` says. */
export function protocolsOf(container: LdapEntry, version: number): string[] {
  return (version < 2 ? LAYOUT_1_PROTOCOLS : container.values(PROTOCOL_ATTRIBUTE)).map(fold);
}

/** The registry's protocols the store lacks, in registry order. */
function missingFrom(recorded: readonly string[]): Protocol[] {
  const held = new Set(recorded);
  return PROTOCOLS.filter((p) => !held.has(p.name));
}

/** Refuses a store lacking a protocol of this casctl (init adds it), or carrying one this casctl does not know (a newer casctl made it). */
export function checkProtocols(url: string, recorded: readonly string[]): void {
  const missing = missingFrom(recorded);
  if (missing.length > 0) {
    const names = missing.map((p) => `${p.displayName} (${p.property})`).join(', ');
    throw new StoreError(
      `The directory store ${url} predates ${names}: its mailboxes carry no casEnabledService values for ${missing.length > 1 ? 'them' : 'it'}, which Dovecot would read as refused. Run 'casctl init --store ${url}' once to enable ${protocolList('and', missing)} for every mailbox, as for a new one, then regenerate the Dovecot configuration.`,
    );
  }
  const known = new Set<string>(PROTOCOLS.map((p) => p.name));
  const unknown = recorded.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new StoreError(`The directory store ${url} carries protocols this casctl does not know (${unknown.join(', ')}): a newer casctl set it up. Upgrade casctl.`);
  }
}

/** What the modify that records protocols failed with, in words that say what to do. */
function recordingFailure(target: BackfillTarget, error: unknown): StoreError {
  if (!isSchemaProblem(error)) return target.connection.fail(error, `record the protocols on ${target.layout.containerDn}`);
  return new StoreError(
    `The LDAP server of ${target.url} has an older casctl schema (without ${PROTOCOL_ATTRIBUTE}): load the current schema/casmailbox.schema (slapd.conf) or schema/casmailbox.ldif (cn=config), then run 'casctl init --store ${target.url}' again.`,
  );
}

/** Sets cn=casctl's record to `names` (replacing it: idempotent, so a second init writes the same). */
export async function recordProtocols(target: BackfillTarget, names: readonly string[], extra: { attribute: string; value: string }[] = []): Promise<void> {
  const modifications = [
    { operation: 'replace' as const, attribute: PROTOCOL_ATTRIBUTE, values: names },
    ...extra.map(({ attribute, value }) => ({ operation: 'replace' as const, attribute, values: [value] })),
  ];
  try {
    await target.connection.modify(target.layout.containerDn, modifications);
  } catch (error) {
    throw recordingFailure(target, error);
  }
}

/** `casctl init` on an existing store: the values of each protocol it lacks go to every mailbox, and only then is the protocol recorded. */
export async function upgradeProtocols(target: UpgradeTarget, recorded: readonly string[]): Promise<void> {
  const missing = missingFrom(recorded);
  if (missing.length === 0) return;
  await backfillProtocols(target, missing);
  await recordProtocols(target, [...recorded, ...missing.map((p) => p.name)]);
  target.notice(`Recorded ${protocolList('and', missing)} on ${target.layout.containerDn}: print the Dovecot configuration again (casctl get-dovecotconfig) to enforce ${missing.length > 1 ? 'them' : 'it'}.`);
}
