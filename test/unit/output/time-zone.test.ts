import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTimeZone, timeShower, UTC } from '../../../src/output/time-zone.js';

test('parseTimeZone: UTC and local in any case, IANA names as written (any case); anything else is null', () => {
  assert.deepEqual(parseTimeZone(' utc '), UTC);
  assert.deepEqual(parseTimeZone('Local'), { kind: 'zone', name: undefined });
  assert.deepEqual(parseTimeZone('asia/kolkata'), { kind: 'zone', name: 'asia/kolkata' });
  assert.deepEqual(parseTimeZone('Europe/Berlin'), { kind: 'zone', name: 'Europe/Berlin' });
  for (const bad of ['', '  ', 'Mars/Olympus_Mons', 'local time', 'Europe/']) assert.equal(parseTimeZone(bad), null, bad);
});

test('UTC shows the stored ISO text unchanged; a zone shows wall-clock time and its offset, DST included', () => {
  assert.equal(timeShower(UTC)('2026-12-02T06:41:05.123Z'), '2026-12-02T06:41:05.123Z');
  const zone = (name: string): ((iso: string) => string) => timeShower({ kind: 'zone', name });
  assert.equal(zone('Europe/Berlin')('2026-12-02T06:41:05.123Z'), '2026-12-02 07:41:05 +01:00');
  assert.equal(zone('Europe/Berlin')('2026-07-02T06:41:05Z'), '2026-07-02 08:41:05 +02:00');
  assert.equal(zone('America/New_York')('2026-12-02T03:41:05Z'), '2026-12-01 22:41:05 -05:00', 'the day before');
  assert.equal(zone('America/New_York')('2026-07-02T06:41:05Z'), '2026-07-02 02:41:05 -04:00');
  assert.equal(zone('Asia/Kolkata')('2026-12-02T18:30:00Z'), '2026-12-03 00:00:00 +05:30', 'midnight is 00, not 24');
  assert.equal(zone('UTC')('2026-12-02T06:41:05.999Z'), '2026-12-02 06:41:05 +00:00', 'seconds are cut, never rounded up');
  assert.equal(zone('Asia/Kolkata')('not a time'), 'not a time');
});
