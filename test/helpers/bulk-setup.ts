/** What the bulk end-to-end tests share: a store imported from a CSV, and a Dovecot enforcing it. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { casctl } from './cli.js';
import { startDovecot, type Dovecot, type DovecotVersion } from './dovecot.js';

/** A new SQLite store in `dir` holding the mailboxes of an import CSV (its header line first): how the bulk tests build theirs. */
export async function storeFromCsv(dir: string, lines: readonly string[]): Promise<string> {
  const csv = join(dir, 'bulk.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const store = join(dir, 'bulk.db');
  for (const args of [['init', '--store', store], ['import', csv, '--store', store]]) {
    const result = await casctl(args);
    assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
  }
  return store;
}

/**
 * A Dovecot of `version` reading `store` (in `dir`) through the configuration casctl writes, and
 * the env whose casctl config reaches it through the dovecot service preset.
 */
export async function enforcingDovecot(version: DovecotVersion, dir: string, store: string): Promise<{ dovecot: Dovecot; env: NodeJS.ProcessEnv }> {
  const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--store', store, '--dovecot-version', version]);
  assert.equal(written.code, 0, written.stderr);
  const dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
  const config = join(dir, 'casctl.config.json');
  writeFileSync(config, JSON.stringify({ store, services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
  return { dovecot, env: { CASCTL_CONFIG: config } };
}
