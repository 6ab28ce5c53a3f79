import { fold } from '../../core/mailbox.js';
import type { Protocol, ProtocolName } from '../../core/protocols.js';
import { ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { LdapEntry } from './connection.js';

/**
 * The casEnabledService value each protocol is enabled by: the LDAP driver's own per-protocol
 * map. Dovecot's passdb filter (dovecot/ldap-auth-config.ts) matches `casEnabledService=%s`,
 * where %s is the Dovecot service logged in to, so each value must be its protocol's Dovecot
 * service name.
 */
export const ENABLED_SERVICE_VALUE: Readonly<Record<ProtocolName, string>> = {
  pop3: 'pop3',
  imap: 'imap',
};

/** The attribute holding each protocol's UseProtocolDefaults (schema/casmailbox.schema). */
export const USE_DEFAULTS_ATTRIBUTE: Readonly<Record<ProtocolName, string>> = {
  pop3: 'casPopUseProtocolDefaults',
  imap: 'casImapUseProtocolDefaults',
};

/** The entry holds the protocol's casEnabledService value (any case, as directories are edited by hand too). */
export function enablesProtocol(entry: LdapEntry, protocol: Protocol): boolean {
  const value = fold(ENABLED_SERVICE_VALUE[protocol.name]);
  return entry.values(ENABLED_SERVICE_ATTRIBUTE).some((v) => fold(v) === value);
}
