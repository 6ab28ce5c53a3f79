/**
 * The mail access protocols casctl controls. Adding one (ManageSieve, SMTP AUTH) is one entry here:
 * the property it is shown and set as, the store column and the Dovecot service names (%s) it covers
 * (the Exchange-named services that cache it are in src/services/services.ts).
 */
export interface Protocol {
  /** Lower-case protocol name, also the LDAP `casEnabledService` value. */
  name: string;
  property: 'PopEnabled' | 'ImapEnabled';
  /** Column of the SQLite `mailboxes` table. */
  column: 'pop_enabled' | 'imap_enabled';
  /** Values of Dovecot's %s that this protocol covers (plain and TLS listeners share the service name). */
  dovecotServices: string[];
}

export const PROTOCOLS: readonly Protocol[] = [
  {
    name: 'pop3',
    property: 'PopEnabled',
    column: 'pop_enabled',
    dovecotServices: ['pop3'],
  },
  {
    name: 'imap',
    property: 'ImapEnabled',
    column: 'imap_enabled',
    dovecotServices: ['imap'],
  },
];
