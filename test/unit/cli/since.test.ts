import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSince } from '../../../src/cli/commands/get-changelog.js';
import { UsageError } from '../../../src/core/errors.js';

const NOW = new Date('2026-12-02T12:00:00Z');

test('--since: dates, spans, and absurd values are usage errors (exit 2), never an internal error', () => {
  assert.equal(parseSince('2026-11-01', NOW).toISOString(), '2026-11-01T00:00:00.000Z');
  assert.equal(parseSince('12h', NOW).toISOString(), '2026-12-02T00:00:00.000Z');
  assert.equal(parseSince('2w', NOW).toISOString(), '2026-11-18T12:00:00.000Z');
  for (const absurd of ['9999999999999d', '99999999999999999999w']) {
    assert.throws(() => parseSince(absurd, NOW), (e: unknown) => e instanceof UsageError && /reaches back further than any date/.test(e.message));
  }
  for (const bad of ['0000-00-00', '-5h', '1e309h', 'yesterday']) assert.throws(() => parseSince(bad, NOW), UsageError);
});
