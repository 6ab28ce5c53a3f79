import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultLastLogonsPath } from '../../src/cli/last-logons.js';
import type { DovecotVersion } from '../../src/dovecot/version.js';
import { casctl, sampleStore, tempDir, type CliResult } from './cli.js';
import { rootAccount } from './debian13-root.js';
import { startDovecot, type Dovecot } from './dovecot.js';

/** A private Dovecot that records logins with the files `get-dovecotconfig --last-logons --write` wrote for a sample store. */
export interface RecordingDovecot {
  dovecot: Dovecot;
  /** The sample store. */
  store: string;
  /** The logins database beside it, which Dovecot's dict writes. */
  logins: string;
  /** What get-dovecotconfig said (checked to have succeeded). */
  written: CliResult;
}

/** A row of the logins table, as Dovecot's dict wrote it. */
export interface RecordedRow {
  username: string;
  service: string;
  client_address: string;
  last_logon: number;
}

/** Starts it; `options` go to get-dovecotconfig as well (`--webmail-network`). Stop `dovecot` in `after`. */
export async function startRecordingDovecot(version: DovecotVersion, options: readonly string[] = []): Promise<RecordingDovecot> {
  const store = await sampleStore();
  const dir = tempDir();
  // The 2.4 root's accounts are not this machine's: its dict runs as the root's dovecot.
  const dictUser = version === '2.4' ? String(rootAccount('dovecot').uid) : 'dovecot';
  const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--store', store, '--dovecot-version', version, '--last-logons', '--dict-user', dictUser, ...options]);
  if (written.code !== 0) throw new Error(`get-dovecotconfig failed: ${written.stderr}`);
  // What the warnings ask for: the dict may pass through the store's directory and the
  // configuration's (mkdtemp's 0700), where 2.3's dict reads its map file.
  chmodSync(dirname(store), 0o711);
  chmodSync(dir, 0o711);
  const dovecot = await startDovecot({
    version,
    authInclude: join(dir, 'dovecot', 'casctl-auth.conf'),
    extraConfig: `!include ${join(dir, 'dovecot', 'casctl-last-logons.conf')}\n`,
  });
  return { dovecot, store, logins: defaultLastLogonsPath(store), written };
}

/** Every row of the logins table, in key order. */
export function recordedRows(logins: string): RecordedRow[] {
  const db = new Database(logins, { readonly: true });
  try {
    return db.prepare<[], RecordedRow>("SELECT username, service, client_address, last_logon FROM last_logon WHERE username <> '' ORDER BY username, service, client_address").all();
  } finally {
    db.close();
  }
}
