/**
 * SMTP AUTH end to end: a real Postfix (test/helpers/postfix.ts) authenticates its clients through
 * the auth socket of a Dovecot (2.3 and 2.4) that reads a casctl store (SQLite and LDAP) through
 * the configuration casctl writes, and casctl makes SmtpClientAuthenticationDisabled effective on
 * it with --restart while Dovecot holds the mailbox in its auth cache. One Dovecot and one Postfix
 * per version and store.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { casctl, sampleStore, STORE_KINDS, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { postfixSkipReason, startPostfix, type Postfix } from '../helpers/postfix.js';

const PASSWORD = 'Tailspin!2026';
const RAND = 'rand.zaher@tailspintoys.com';
const SARA = 'sara.hansen@tailspintoys.com';
const EBRU = 'ebrunner@tailspintoys.com';

for (const kind of STORE_KINDS) {
  for (const version of DOVECOT_VERSIONS) {
    describe(`Postfix SMTP AUTH follows SmtpClientAuthenticationDisabled (Dovecot ${version}, ${kind})`, { skip: dovecotSkipReason(version) || postfixSkipReason() }, () => {
      let dovecot: Dovecot;
      let postfix: Postfix;
      let store: string;
      let config: string;
      const run = async (args: string[]): Promise<CliResult> => {
        const result = await casctl(args, { store, env: { CASCTL_CONFIG: config } });
        assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
        return result;
      };
      /** 235 (true) or 535 (false); anything else throws: a broken setup never passes as a refusal. */
      const auth = async (user: string, password = PASSWORD): Promise<boolean> => {
        const result = await postfix.authPlain(user, password);
        assert.match(result.response, result.ok ? /^235 / : /^535 /);
        return result.ok;
      };

      before(async () => {
        store = await sampleStore(kind);
        const dir = tempDir();
        config = join(dir, 'casctl.config.json');
        writeFileSync(config, '{}');
        await run(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--dovecot-version', version]);
        dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf'), saslListener: true });
        postfix = await startPostfix({ dovecot });
        writeFileSync(config, JSON.stringify({ services: { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix } }));
      });

      after(async () => {
        // Postfix first: Dovecot's auth process would go on answering a connected smtpd.
        await postfix?.stop();
        await dovecot?.stop();
      });

      test("'$true' with --restart refuses at once though Dovecot cached the login; a wrong password is 535; other mailboxes keep SMTP AUTH", async () => {
        for (const user of [RAND, SARA]) assert.ok(await auth(user), `${user} before\n${postfix.log()}`);
        const off = await run(['set-casmailbox', RAND, '--smtp-client-authentication-disabled', '$true', '--restart']);
        assert.match(off.stderr, /Made effective on MSExchangeFrontEndTransport: 1 mailboxes/);
        assert.equal(await auth(RAND), false, 'refused at once');
        assert.ok(await auth(SARA), 'another mailbox is unaffected');
        assert.equal(await auth(SARA, 'wrong'), false, 'a wrong password is refused (535)');
        await run(['set-casmailbox', RAND, '--smtp-client-authentication-disabled', '$false', '--restart']);
        assert.ok(await auth(RAND), 'the refusal was not cached past the change');
      });

      test("'$null' follows the organisation default: set-transportconfig true refuses it, false allows it again; explicit values stay", async () => {
        await run(['set-casmailbox', RAND, '--smtp-client-authentication-disabled', '$null', '--restart']);
        await run(['set-casmailbox', SARA, '--smtp-client-authentication-disabled', '$false', '--restart']);
        for (const user of [RAND, SARA, EBRU]) assert.ok(await auth(user), `${user} allowed by the built-in default (and cached)`);
        await run(['set-transportconfig', '--smtp-client-authentication-disabled', 'true', '--restart', '--yes']);
        assert.equal(await auth(RAND), false, 'follows the organisation: refused');
        assert.equal(await auth(EBRU), false, 'a mailbox never set follows it too');
        assert.ok(await auth(SARA), 'an explicit $false stays allowed');
        await run(['set-transportconfig', '--smtp-client-authentication-disabled', 'false', '--restart', '--yes']);
        for (const user of [RAND, EBRU]) assert.ok(await auth(user), `${user} allowed again`);
      });
    });
  }
}
