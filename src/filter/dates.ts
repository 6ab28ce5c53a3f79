/**
 * Date literals in filters. Exchange users write US dates (`1/31/2026`, `1/31/2026 10:00 PM`),
 * scripts write ISO 8601. Both become the store's form `YYYY-MM-DDTHH:MM:SS.sssZ`, so every
 * back-end can compare dates as plain text. A date without a zone is taken as UTC: the store
 * keeps UTC, and a CLI whose answer depended on the machine's time zone would surprise audits.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

/** The normalised ISO form, or null when the text is no valid date. */
export function normaliseDate(text: string): string | null {
  const trimmed = text.trim();
  const iso = ISO.exec(trimmed);
  if (iso) {
    const [, year, month, day, hour, minute, second, fraction, zone] = iso;
    return build({
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: Number(hour ?? 0),
      minute: Number(minute ?? 0),
      second: Number(second ?? 0),
      millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
      offsetMinutes: zoneOffset(zone),
    });
  }
  const us = US.exec(trimmed);
  if (us) {
    const [, month, day, year, hour, minute, second, meridiem] = us;
    let hours = Number(hour ?? 0);
    if (meridiem !== undefined) {
      // 12-hour clock: 12 AM is midnight, 12 PM is noon, 0 or 13+ is no time at all.
      if (hours < 1 || hours > 12) return null;
      hours = (hours % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
    }
    return build({
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: hours,
      minute: Number(minute ?? 0),
      second: Number(second ?? 0),
      millisecond: 0,
      offsetMinutes: 0,
    });
  }
  return null;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number | null;
}

function build(parts: DateParts): string | null {
  const { year, month, day, hour, minute, second, millisecond, offsetMinutes } = parts;
  if (offsetMinutes === null) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millisecond);
  const normalised = date.toISOString();
  // A zone offset can push year 0000 or 9999 out of the four-digit form the store compares.
  return /^\d{4}-/.test(normalised) ? normalised : null;
}

/** Minutes east of UTC; 0 without a zone; null for an impossible offset. */
function zoneOffset(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!match) return null;
  const [, sign, hours, minutes] = match;
  const h = Number(hours);
  const m = Number(minutes ?? 0);
  if (h > 23 || m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}
