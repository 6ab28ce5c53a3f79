/**
 * Where people see times: UTC exactly as stored (ISO 8601, what json always writes), or a zone,
 * `local` (the machine's: TZ is respected) or a named IANA zone, shown as `2026-12-02 07:41:05 +01:00`
 * so the offset says which zone a time is in.
 */
export type TimeZone = { kind: 'utc' } | { kind: 'zone'; name: string | undefined };

export const UTC: TimeZone = { kind: 'utc' };
export const LOCAL: TimeZone = { kind: 'zone', name: undefined };

/** `UTC`, `local` or an IANA zone name (`Europe/Berlin`), any case; null for anything else. */
export function parseTimeZone(text: string): TimeZone | null {
  const name = text.trim();
  if (name.toLowerCase() === 'utc') return UTC;
  if (name.toLowerCase() === 'local') return LOCAL;
  if (name === '') return null;
  try {
    // Intl knows the zones of the ICU data Node carries: the same zones it then shows times in.
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return { kind: 'zone', name };
  } catch {
    return null;
  }
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `+05:30`, `-05:00`, `+00:00`. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * How a zone shows times (ISO text in, text out; text that is not a time is left as it is). Made
 * once per zone: a csv of a million items shows a million times.
 */
export function timeShower(zone: TimeZone): (iso: string) => string {
  if (zone.kind === 'utc') return (iso) => iso;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone.name,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (iso) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const parts = new Map(format.formatToParts(date).map((p) => [p.type, Number(p.value)]));
    const [year, month, day, hour, minute, second] = (['year', 'month', 'day', 'hour', 'minute', 'second'] as const).map((type) => parts.get(type) ?? 0) as [number, number, number, number, number, number];
    // The wall-clock time read as if it were UTC, less the instant (to the second): the zone's offset then.
    const offset = Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
    return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)} ${offsetText(offset)}`;
  };
}
