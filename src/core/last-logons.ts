import { PROTOCOLS, type Protocol } from './protocols.js';

/**
 * When each mailbox last logged in over each protocol, as Dovecot's last_login plugin records it
 * at every successful login (get-dovecotconfig --last-logons): what tells an admin whose phone
 * breaks before a protocol is turned off. The records are Dovecot's, not the directory's: they
 * live in a database of their own (store/last-logons.ts) that the mail servers write and casctl
 * only reads, so a store's mailboxes never carry them and a directory change never waits on them.
 */

/** A protocol whose logins are recorded. */
export type LastLogonProtocol = Extract<Protocol, { lastLogonProperty: string }>;
/** `LastPopLogonTime`, `LastImapLogonTime`: one per recorded protocol, from the registry. */
export type LastLogonProperty = LastLogonProtocol['lastLogonProperty'];

const recorded = (protocol: Protocol): protocol is LastLogonProtocol => 'lastLogonProperty' in protocol;

/** The recorded protocols, in registry order. */
export const LAST_LOGON_PROTOCOLS: readonly LastLogonProtocol[] = PROTOCOLS.filter(recorded);
/** Their properties, in registry order. */
export const LAST_LOGON_PROPERTIES: readonly LastLogonProperty[] = LAST_LOGON_PROTOCOLS.map((p) => p.lastLogonProperty);

/**
 * The service names a protocol's logins are recorded under (the table's `service`): its Dovecot
 * services, or, for a protocol told apart by remote address (OWA: IMAP from the webmail
 * networks), its own name, which the generated configuration writes instead of the service's.
 */
export function recordedServices(protocol: LastLogonProtocol): readonly string[] {
  return 'remote' in protocol ? [protocol.name] : protocol.dovecotServices;
}

/**
 * The protocols whose logins are recorded apart where the configuration names `webmail` networks
 * or not: without them, the webmail's IMAP logins are recorded as IMAP4's, and OWA's none at all.
 */
export function recordedProtocols(webmail: boolean): readonly LastLogonProtocol[] {
  return webmail ? LAST_LOGON_PROTOCOLS : LAST_LOGON_PROTOCOLS.filter((p) => !('remote' in p));
}

/** The Dovecot services whose mail processes load the plugin: each recorded protocol's, once. */
export const RECORDING_SERVICES: readonly string[] = [...new Set(LAST_LOGON_PROTOCOLS.flatMap((p) => p.dovecotServices))];

/** One protocol's most recent recorded login of one mailbox. */
export interface LastLogon {
  time: Date;
  /** The client's address as Dovecot saw it (its remote IP); null where none was recorded. */
  clientAddress: string | null;
}

/** A mailbox's most recent login per recorded protocol; a protocol it never used (or not within the retention) is absent. */
export type MailboxLastLogons = Partial<Record<LastLogonProtocol['name'], LastLogon>>;

/** Where casctl reads the recorded logins from: opened by the CLI beside the store, closed with it. */
export interface LastLogonSource {
  /** The database, as messages name it (never a password). */
  readonly where: string;
  /** Logins older than this many days are neither kept nor shown (the privacy setting); null: kept until pruned by hand. */
  readonly retentionDays: number | null;
  /**
   * When recording began, as casctl set it up (get-dovecotconfig --last-logons --write); null where
   * the database does not say (made by other means, or pruned past it: then it is older than the retention).
   */
  readonly recordingSince: Date | null;
  /**
   * The last logins of each of `users`: the mailboxes' login names as Dovecot's canonical user
   * (their PrimarySmtpAddress), compared without regard to case. The result is keyed by the
   * name as given; a user with no recorded login is absent.
   */
  lastLogons(users: readonly string[]): Promise<Map<string, MailboxLastLogons>>;
  close(): Promise<void>;
}

/** The mailbox's last login over the protocol when it is no older than `since`, else null: whether it used the protocol lately. */
export function usedWithin(logons: MailboxLastLogons | undefined, protocol: LastLogonProtocol, since: Date): LastLogon | null {
  const logon = logons?.[protocol.name];
  return logon !== undefined && logon.time.getTime() >= since.getTime() ? logon : null;
}
