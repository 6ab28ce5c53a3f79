import type { ProtocolName } from '../../core/protocols.js';

/** The `mailboxes` column holding each protocol's CAS setting (added by a migration, schema.ts). */
export const ENABLED_COLUMN: Readonly<Record<ProtocolName, string>> = {
  pop3: 'pop_enabled',
  imap: 'imap_enabled',
};

/** The `mailboxes` column holding each protocol's UseProtocolDefaults (schema.ts). */
export const USE_DEFAULTS_COLUMN: Readonly<Record<ProtocolName, string>> = {
  pop3: 'pop_use_protocol_defaults',
  imap: 'imap_use_protocol_defaults',
};
