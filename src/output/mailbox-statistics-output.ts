import { LAST_LOGON_PROPERTIES } from '../core/last-logons.js';
import { byteQuantifiedSize } from './byte-size.js';
import type { View } from './formats.js';
import { CAS_MAILBOX_VIEW } from './mailbox-output.js';
import type { OutputRecord } from './values.js';

/** What Get-MailboxStatistics adds to a mailbox: counted by Dovecot, and the recorded logins. */
export const STATISTICS_PROPERTIES = ['ItemCount', 'TotalItemSize', 'LastLogonTime', ...LAST_LOGON_PROPERTIES, 'ServerName'] as const;

const statistic = new Set<string>(STATISTICS_PROPERTIES);

/** Get-MailboxStatistics' columns (StorageLimitStatus has no Dovecot counterpart: the size stands in its place); any mailbox property too. */
export function mailboxStatisticsView(severalServers: boolean): View {
  return {
    properties: ['DisplayName', ...STATISTICS_PROPERTIES, ...CAS_MAILBOX_VIEW.properties.filter((p) => p !== 'DisplayName')],
    defaults: [
      'DisplayName', 'PrimarySmtpAddress', 'ItemCount', 'TotalItemSize', 'LastLogonTime', ...LAST_LOGON_PROPERTIES,
      ...(severalServers ? ['ServerName'] : []), 'Guid',
    ],
    table: ['DisplayName', 'ItemCount', 'TotalItemSize', 'LastLogonTime'],
    id: 'Guid',
  };
}

/** The mailbox properties among the chosen ones: what the directory is read for. */
export function mailboxPropertiesOf(properties: readonly string[]): string[] {
  return properties.filter((p) => !statistic.has(p));
}

/** What table and list show: TotalItemSize as Exchange writes it; json and csv keep the bytes. */
export function shownStatistics(record: OutputRecord): OutputRecord {
  const size = record.TotalItemSize;
  return typeof size === 'number' ? { ...record, TotalItemSize: byteQuantifiedSize(size) } : record;
}
