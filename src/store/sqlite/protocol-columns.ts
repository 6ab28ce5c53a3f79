import type { ProtocolName } from '../../core/protocols.js';

/** The `mailboxes` column holding each protocol's CAS setting (added by a migration, schema.ts). */
export const ENABLED_COLUMN: Readonly<Record<ProtocolName, string>> = {
  pop3: 'pop_enabled',
  imap: 'imap_enabled',
};
