const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Exchange's ByteQuantifiedSize as Get-MailboxStatistics shows TotalItemSize: the size in the
 * largest binary unit it reaches, to four significant digits, then the exact bytes,
 * `1.234 MB (1,293,942 bytes)`, `0 B (0 bytes)`. The machine formats keep the number of bytes.
 */
export function byteQuantifiedSize(bytes: number): string {
  let unit = 0;
  while (unit < UNITS.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  const scaled = unit === 0 ? String(bytes) : String(Number((bytes / 1024 ** unit).toPrecision(4)));
  return `${scaled} ${UNITS[unit]} (${bytes.toLocaleString('en-US')} bytes)`;
}
