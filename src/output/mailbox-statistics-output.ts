import { LAST_LOGON_PROPERTIES } from '../core/last-logons.js';
import { byteQuantifiedSize } from './byte-size.js';
import type { View } from './formats.js';
import { CAS_MAILBOX_VIEW } from './mailbox-output.js';
import type { OutputRecord } from './values.js';

/** What Get-MailboxStatistics adds to a mailbox: counted by Dovecot, the latest recorded login, the server that counted. */
export const STATISTICS_PROPERTIES = ['ItemCount', 'TotalItemSize', 'LastLogonTime', 'ServerName'] as const;

const statistic = new Set<string>(STATISTICS_PROPERTIES);
/** The columns next to each other in --property '*': the counts, then every login time. */
const LEADING = ['DisplayName', 'ItemCount', 'TotalItemSize', 'LastLogonTime', ...LAST_LOGON_PROPERTIES, 'ServerName'];

/** Get-MailboxStatistics' columns (StorageLimitStatus has no Dovecot counterpart: the size stands in its place); any mailbox property too. */
export function mailboxStatisticsView(severalServers: boolean): View {
  return {
    properties: [...LEADING, ...CAS_MAILBOX_VIEW.properties.filter((p) => !LEADING.includes(p))],
    defaults: [
      'DisplayName', 'PrimarySmtpAddress', 'ItemCount', 'TotalItemSize', 'LastLogonTime', ...LAST_LOGON_PROPERTIES,
      ...(severalServers ? ['ServerName'] : []), 'Guid',
    ],
    table: ['DisplayName', 'ItemCount', 'TotalItemSize', 'LastLogonTime'],
    id: 'Guid',
  };
}

/** The mailbox properties among the chosen ones (the per-protocol login times too): what the directory and the joined logins are read for. */
export function mailboxPropertiesOf(properties: readonly string[]): string[] {
  return properties.filter((p) => !statistic.has(p));
}

/** What table and list show: TotalItemSize as Exchange writes it; json and csv keep the bytes. */
export function shownStatistics(record: OutputRecord): OutputRecord {
  const size = record.TotalItemSize;
  return typeof size === 'number' ? { ...record, TotalItemSize: byteQuantifiedSize(size) } : record;
}
