import { join } from 'node:path';
import { after, before } from 'node:test';
import type { LastLogonSource } from '../../src/core/last-logons.js';
import { openSqliteLastLogons } from '../../src/store/sqlite/last-logons.js';
import { tempDir } from './cli.js';
import { recordLogons, type RecordedLogon } from './last-logons.js';

/** A LastLogonSource that counts its queries. */
export type CountingLogonSource = LastLogonSource & { calls: number };

/**
 * The real SQLite reader over a new file holding `logons` as Dovecot would write them, its clock
 * at `now`; `calls` counts its queries (what "one query per batch" is held to).
 */
export async function recordedLogonSource(logons: readonly RecordedLogon[], now: Date, retentionDays = 365): Promise<CountingLogonSource> {
  const path = join(tempDir(), 'casctl.last-logons.db');
  recordLogons(path, logons);
  const source = await openSqliteLastLogons(`sqlite:${path}`, { cwd: '/', env: {}, section: undefined, retentionDays, now: () => now });
  const counting: CountingLogonSource = {
    calls: 0,
    where: source.where,
    retentionDays: source.retentionDays,
    recordingSince: source.recordingSince,
    lastLogons: (users) => {
      counting.calls++;
      return source.lastLogons(users);
    },
    close: () => source.close(),
  };
  return counting;
}

/** recordedLogonSource for a whole test file: opened before its tests, closed after them. */
export function useRecordedLogonSource(logons: readonly RecordedLogon[], now: Date): () => CountingLogonSource {
  let source: CountingLogonSource | undefined;
  before(async () => {
    source = await recordedLogonSource(logons, now);
  });
  after(() => source?.close());
  return () => {
    if (source === undefined) throw new Error('the logon source is opened before the tests');
    return source;
  };
}
