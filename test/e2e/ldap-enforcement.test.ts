/**
 * Dovecot 2.3 and 2.4 enforce an LDAP store (a real slapd) through the configuration
 * `casctl get-dovecotconfig` writes for it, and casctl refreshes them as on SQLite.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { casctl, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { testSampleEnforcement } from '../helpers/enforcement-checks.js';
import { slapdSkipReason } from '../helpers/slapd.js';

for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version} enforces an LDAP store`, { skip: slapdSkipReason() || dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let store: string;
    let config: string;
    const run = (args: string[]): Promise<CliResult> => casctl(args, { store, env: { CASCTL_CONFIG: config } });

    before(async () => {
      store = await sampleStore('ldap');
      const dir = tempDir();
      config = join(dir, 'casctl.config.json');
      writeFileSync(config, '{}');
      const written = await run(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version]);
      assert.equal(written.code, 0, written.stderr);
      dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf') });
      writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
    });
    after(async () => {
      await dovecot?.stop();
    });

    testSampleEnforcement(version, () => ({ dovecot, run }));
  });
}
