import type { NullableProtocol, ProtocolName, ProtocolWithDefaults } from '../../core/protocols.js';

/*
 * The column names of casctl's own mailbox schema, the same on SQLite and the SQL servers:
 * Dovecot's queries (get-dovecotconfig) read them, so they are part of casctl's public contract.
 */

/**
 * The `mailboxes` column Dovecot reads for each protocol: 1 while its logins are admitted. For an
 * Enabled setting it is the setting itself; for a nullable one (SETTING_COLUMN) casctl keeps it
 * equal to what the setting and the organisation default make it.
 */
export const ENABLED_COLUMN: Readonly<Record<ProtocolName, string>> = {
  pop3: 'pop_enabled',
  imap: 'imap_enabled',
  owa: 'owa_enabled',
  smtp: 'smtp_enabled',
  sieve: 'manage_sieve_enabled',
};

/** The column holding a nullable protocol's setting as set (NULL: follows the organisation default in `transport_config`). */
export const SETTING_COLUMN: Readonly<Record<NullableProtocol['name'], string>> = {
  smtp: 'smtp_client_authentication_disabled',
};

/** The `transport_config` column holding the organisation default of each nullable protocol's setting. */
export const DEFAULT_COLUMN: Readonly<Record<NullableProtocol['name'], string>> = {
  smtp: 'smtp_client_authentication_disabled',
};

/** The `mailboxes` column holding the UseProtocolDefaults of each protocol that has one. */
export const USE_DEFAULTS_COLUMN: Readonly<Record<ProtocolWithDefaults['name'], string>> = {
  pop3: 'pop_use_protocol_defaults',
  imap: 'imap_use_protocol_defaults',
};
