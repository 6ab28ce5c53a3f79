import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { casctl, json, sampleStore, STORE_KINDS, tempDir, type CliOptions, type CliResult } from '../helpers/cli.js';

type Row = Record<string, unknown>;

async function ok(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const result = await casctl(args, options);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result;
}

const NA = 'tailspintoys.com/North America';
const FINANCE = 'tailspintoys.com/North America/Finance';

for (const kind of STORE_KINDS) {
  describe(`get-casmailboxplan / set-casmailboxplan on ${kind}`, () => {
    test('Exchange spellings set a plan; no mailbox changes; get shows own, effective and source values', async () => {
      const store = await sampleStore(kind);
      const mailboxes = (await ok(['get-casmailbox', '-o', 'json'], { store })).stdout;
      const set = await ok(['Set-CASMailboxPlan', '-Identity', NA, '-PopEnabled', '$false'], { store });
      assert.match(set.stderr, /Recorded as change 1; undo it with: casctl undo 1/);
      assert.match(set.stderr, /the 98 existing mailboxes in 'tailspintoys\.com\/North America' keep their settings/);
      assert.equal((await ok(['get-casmailbox', '-o', 'json'], { store })).stdout, mailboxes);
      await ok(['set-casmailboxplan', 'North America\\Finance', '--imap-enabled', 'false'], { store });
      await ok(['set-casmailboxplan', 'Default', '--imap-enabled', 'true'], { store });

      const table = (await ok(['get-casmailboxplan'], { store })).stdout.split('\n').map((l) => l.trimEnd());
      assert.match(table[0] ?? '', /^Identity +PopEnabled ImapEnabled OWAEnabled SmtpClientAuthenticationDisabled ManageSieveEnabled$/);
      assert.match(table[2] ?? '', /^Default +Inherited +True +Inherited +Inherited +Inherited$/);
      assert.match(table[3] ?? '', /^tailspintoys\.com\/North America +False +Inherited +Inherited +Inherited +Inherited$/);
      assert.match(table[4] ?? '', /^tailspintoys\.com\/North America\/Finance +Inherited +False +Inherited +Inherited +Inherited$/);
      const [finance] = json<Row[]>(await ok(['get-casmailboxplan', 'Finance', '-o', 'json'], { store }));
      assert.deepEqual(
        { ...finance, Guid: typeof finance?.Guid, WhenChanged: typeof finance?.WhenChanged },
        {
          Identity: FINANCE, PopEnabled: 'Inherited', ImapEnabled: false,
          OWAEnabled: 'Inherited', SmtpClientAuthenticationDisabled: 'Inherited', ManageSieveEnabled: 'Inherited',
          EffectivePopEnabled: false, PopEnabledSource: NA, EffectiveImapEnabled: false, ImapEnabledSource: FINANCE, EffectiveOWAEnabled: true, OWAEnabledSource: 'BuiltIn',
          EffectiveSmtpClientAuthenticationDisabled: null, SmtpClientAuthenticationDisabledSource: 'BuiltIn',
          EffectiveManageSieveEnabled: true, ManageSieveEnabledSource: 'BuiltIn',
          Guid: 'string', WhenChanged: 'string',
        },
      );
      // An OU without a plan of its own shows what it inherits.
      const [sales] = json<Row[]>(await ok(['get-casmailboxplan', '--identity', 'tailspintoys.com/Europe', '-o', 'json'], { store }));
      assert.deepEqual([sales?.PopEnabled, sales?.EffectivePopEnabled, sales?.PopEnabledSource, sales?.ImapEnabledSource, sales?.Guid], ['Inherited', true, 'BuiltIn', 'Default', null]);
      // A plan's $null of SMTP AUTH is a value it holds (follow the organisation default), not inherited.
      await ok(['set-casmailboxplan', 'Default', '--smtp-client-authentication-disabled', 'true'], { store });
      await ok(['set-casmailboxplan', FINANCE, '--smtp-client-authentication-disabled', '$null'], { store });
      const [held] = json<Row[]>(await ok(['get-casmailboxplan', FINANCE, '-o', 'json'], { store }));
      assert.deepEqual([held?.SmtpClientAuthenticationDisabled, held?.EffectiveSmtpClientAuthenticationDisabled, held?.SmtpClientAuthenticationDisabledSource], [null, null, FINANCE]);
      const [inherits] = json<Row[]>(await ok(['get-casmailboxplan', NA, '-o', 'json'], { store }));
      assert.deepEqual([inherits?.SmtpClientAuthenticationDisabled, inherits?.EffectiveSmtpClientAuthenticationDisabled, inherits?.SmtpClientAuthenticationDisabledSource], ['Inherited', true, 'Default']);
      await ok(['set-casmailboxplan', 'Default', '--clear', 'SmtpClientAuthenticationDisabled'], { store });
      await ok(['set-casmailboxplan', FINANCE, '--clear', 'SmtpClientAuthenticationDisabled'], { store });
      const csv = (await ok(['get-casmailboxplan', 'Default', '-o', 'csv'], { store })).stdout;
      assert.match(csv, /^Identity,PopEnabled,ImapEnabled,OWAEnabled,SmtpClientAuthenticationDisabled,ManageSieveEnabled,EffectivePopEnabled,PopEnabledSource,EffectiveImapEnabled,ImapEnabledSource,EffectiveOWAEnabled,OWAEnabledSource,EffectiveSmtpClientAuthenticationDisabled,SmtpClientAuthenticationDisabledSource,EffectiveManageSieveEnabled,ManageSieveEnabledSource,Guid,WhenChanged\r\nDefault,Inherited,True,Inherited,Inherited,Inherited,True,BuiltIn,True,Default,True,BuiltIn,,BuiltIn,True,BuiltIn,/);
    });

    test('--what-if and a no-op change nothing; --clear goes back to inherited; errors are usage errors', async () => {
      const store = await sampleStore(kind);
      await ok(['set-casmailboxplan', NA, '--pop-enabled', 'false', '--imap-enabled', 'false'], { store });
      const whatIf = await ok(['set-casmailboxplan', NA, '--clear', 'popenabled', '--what-if'], { store });
      assert.match(whatIf.stdout, /tailspintoys\.com\/North America PopEnabled False → Inherited/);
      assert.equal(json<Row[]>(await ok(['get-casmailboxplan', NA, '-o', 'json'], { store }))[0]?.PopEnabled, false);
      const noop = await ok(['set-casmailboxplan', NA, '--pop-enabled', 'false'], { store });
      assert.match(noop.stderr, /WARNING: The command completed successfully but no settings of 'tailspintoys\.com\/North America' have been modified\./);
      const cleared = json<Row>(await ok(['set-casmailboxplan', NA, '--clear', 'PopEnabled,ImapEnabled', '-o', 'json'], { store }));
      assert.deepEqual(cleared.Changes, [{ Property: 'PopEnabled', Before: false, After: 'Inherited' }, { Property: 'ImapEnabled', Before: false, After: 'Inherited' }]);
      assert.equal(cleared.ChangeId, 2);

      const unknown = await casctl(['set-casmailboxplan', 'North America\\Finanse', '--pop-enabled', 'false'], { store });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /The organizational unit 'North America\\Finanse' couldn't be found on .*Did you mean 'tailspintoys\.com\/North America\/Finance'\?/);
      for (const [args, message] of [
        [['set-casmailboxplan', NA, '--pop-enabled', '$null'], /PopEnabled cannot be \$null in a plan/],
        [['set-casmailboxplan', NA, '--clear', 'PopEnable'], /--clear takes a CAS setting, not 'PopEnable'\. Did you mean 'PopEnabled'/],
        [['set-casmailboxplan', NA, '--pop-enabled', 'false', '--clear', 'PopEnabled'], /PopEnabled is both set and cleared/],
        [['set-casmailboxplan', NA], /Nothing to change/],
        [['set-casmailboxplan', '--pop-enabled', 'false'], /Name the plan to change/],
        [['set-casmailboxplan', NA, '--pop-enabled', 'false', '--yes', '--confirm'], /contradict/],
      ] as const) {
        const result = await casctl(args, { store });
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
      }
      assert.equal(json<Row[]>(await ok(['get-changelog', '-o', 'json'], { store })).length, 2);
    });

    test('a plan change is on the history timeline and undo restores the plan, never a mailbox', async () => {
      const store = await sampleStore(kind);
      await ok(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], { store });
      await ok(['set-casmailboxplan', FINANCE, '--pop-enabled', 'false', '--imap-enabled', 'false'], { store });
      const [mailboxChange, planChange] = json<Row[]>(await ok(['get-changelog', '-o', 'json'], { store }));
      assert.deepEqual(mailboxChange?.PlanChanges, []);
      assert.equal(planChange?.Mailboxes, 0);
      assert.deepEqual(planChange?.Changes, []);
      assert.deepEqual((planChange?.PlanChanges as Row[]).map((i) => [i.Identity, i.Property, i.Before, i.After]), [
        [FINANCE, 'PopEnabled', 'Inherited', false],
        [FINANCE, 'ImapEnabled', 'Inherited', false],
      ]);
      const detail = (await ok(['get-changelog', '2'], { store })).stdout;
      assert.match(detail, /Changed : 1 plan, 2 settings \(no mailbox\)\n\nIdentity +Changes\n-+ +-+\ntailspintoys\.com\/North America\/Finance PopEnabled Inherited → False, ImapEnabled Inherited → False\n/);
      const list = (await ok(['get-changelog', '-o', 'list'], { store })).stdout;
      assert.match(list, /PlanChanges : Plan 'tailspintoys\.com\/North America\/Finance': PopEnabled Inherited → False, ImapEnabled Inherited → False/);
      assert.equal((list.match(/PlanChanges :/g) ?? []).length, 1, 'a change of mailboxes lists no PlanChanges line');
      const csv = (await ok(['get-changelog', '2', '-o', 'csv'], { store })).stdout.trim().split('\r\n');
      assert.equal(csv.length, 3);
      assert.match(csv[1] ?? '', /,tailspintoys\.com\/North America\/Finance,,PopEnabled,Inherited,False,Complete$/);

      const mailboxes = (await ok(['get-casmailbox', '-o', 'json'], { store })).stdout;
      await ok(['set-casmailboxplan', FINANCE, '--imap-enabled', 'true'], { store });
      const undo = await casctl(['undo', '2'], { store });
      assert.equal(undo.code, 1, undo.stderr);
      assert.match(undo.stderr, /ImapEnabled of the plan 'tailspintoys\.com\/North America\/Finance' was changed again since change 2; it was left as it is\./);
      assert.match(undo.stderr, /Recorded as change 4/);
      assert.equal((await ok(['get-casmailbox', '-o', 'json'], { store })).stdout, mailboxes);
      const [finance] = json<Row[]>(await ok(['get-casmailboxplan', FINANCE, '-o', 'json'], { store }));
      assert.deepEqual([finance?.PopEnabled, finance?.ImapEnabled], ['Inherited', true]);
      assert.equal(json<Row>(await ok(['get-changelog', '4', '-o', 'json'], { store })).UndoOf, 2);
      const again = await ok(['undo', '4'], { store });
      assert.match(again.stderr, /Recorded as change 5/);
      const [restored] = json<Row[]>(await ok(['get-casmailboxplan', FINANCE, '-o', 'json'], { store }));
      assert.deepEqual([restored?.PopEnabled, restored?.ImapEnabled], [false, true]);
      const twice = await ok(['undo', '4'], { store });
      assert.match(twice.stderr, /already hold what they held before change 4; there is nothing to undo/);
    });

    test('import: created mailboxes take their OU plan where the file gives no value (column absent or cell empty); updates keep theirs', async () => {
      const store = await sampleStore(kind);
      await ok(['set-casmailboxplan', NA, '--pop-enabled', 'false'], { store });
      await ok(['set-casmailboxplan', FINANCE, '--imap-enabled', 'false'], { store });
      const csv = join(tempDir(), 'new.csv');
      writeFileSync(
        csv,
        [
          'PrimarySmtpAddress,OrganizationalUnit,PopEnabled',
          `new.one@tailspintoys.com,${FINANCE},`,
          `new.two@tailspintoys.com,${FINANCE},true`,
          'new.three@tailspintoys.com,tailspintoys.com/Europe,',
          `rand.zaher@tailspintoys.com,tailspintoys.com/North America/Engineering,`,
          '',
        ].join('\n'),
      );
      const whatIf = await ok(['import', csv, '--what-if'], { store });
      assert.match(whatIf.stdout, /^create new\.one@tailspintoys\.com 'new\.one' \(PopEnabled False, ImapEnabled False, OWAEnabled True, SmtpClientAuthenticationDisabled \$null, ManageSieveEnabled True\)$/m);
      assert.match(whatIf.stdout, /^create new\.two@tailspintoys\.com 'new\.two' \(PopEnabled True, ImapEnabled False, OWAEnabled True, SmtpClientAuthenticationDisabled \$null, ManageSieveEnabled True\)$/m);
      assert.match(whatIf.stdout, /^create new\.three@tailspintoys\.com 'new\.three' \(PopEnabled True, ImapEnabled True, OWAEnabled True, SmtpClientAuthenticationDisabled \$null, ManageSieveEnabled True\)$/m);
      assert.doesNotMatch(whatIf.stdout, /rand\.zaher.*PopEnabled/);
      await ok(['import', csv], { store });
      const rows = json<Row[]>(await ok(['get-casmailbox', 'new.one@tailspintoys.com', 'new.two@tailspintoys.com', 'new.three@tailspintoys.com', 'rzaher', '-o', 'json'], { store }));
      assert.deepEqual(rows.map((r) => [r.PrimarySmtpAddress, r.PopEnabled, r.ImapEnabled]).sort(), [
        ['new.one@tailspintoys.com', false, false],
        ['new.three@tailspintoys.com', true, true],
        ['new.two@tailspintoys.com', true, false],
        ['rand.zaher@tailspintoys.com', true, true],
      ]);
    });

    test('audit with expect: plan reports who differs from the plan of their OU (exit 5); --fix sets them to it', async () => {
      const store = await sampleStore(kind);
      await ok(['set-casmailboxplan', FINANCE, '--pop-enabled', 'false'], { store });
      const policy = join(tempDir(), 'policy.yml');
      writeFileSync(policy, `rules:\n  - name: finance as planned\n    organizationalUnit: '${FINANCE}'\n    expect: plan\n`);
      const report = await casctl(['audit', policy, '-o', 'json'], { store });
      assert.equal(report.code, 5, report.stderr);
      const [rule] = json<{ Rules: Row[] }>(report).Rules;
      assert.equal(rule?.Expect, 'plan');
      const reasons = (rule?.Violations as Row[]).map((v) => v.Reason);
      const clauses = new Set(reasons.flatMap((r) => String(r).split('; ')));
      assert.deepEqual([...clauses].sort(), [`ImapEnabled is False, expected True (built-in default: no plan sets it)`, `PopEnabled is True, expected False (plan '${FINANCE}')`]);
      const fixed = await ok(['audit', policy, '--fix', '--yes'], { store });
      assert.match(fixed.stderr, /Recorded as change 2/);
      assert.equal((await casctl(['audit', policy], { store })).code, 0);
      const mailboxes = json<Row[]>(await ok(['get-casmailbox', '--organizational-unit', FINANCE, '-o', 'json'], { store }));
      assert.ok(mailboxes.every((m) => m.PopEnabled === false));
    });

    test("audit --fix sets an expected $null (the plan's or the rule's own): the mailboxes follow the organisation default again", async () => {
      const store = await sampleStore(kind);
      await ok(['set-casmailbox', '--organizational-unit', FINANCE, '--smtp-client-authentication-disabled', 'true', '--yes'], { store });
      const dir = tempDir();
      const planned = join(dir, 'planned.yml');
      writeFileSync(planned, `rules:\n  - name: finance as planned\n    organizationalUnit: '${FINANCE}'\n    expect: plan\n`);
      const own = join(dir, 'own.yml');
      writeFileSync(own, `rules:\n  - name: finance follows\n    organizationalUnit: '${FINANCE}'\n    expect: { SmtpClientAuthenticationDisabled: null }\n`);
      for (const policy of [planned, own]) {
        const report = await casctl(['audit', policy, '-o', 'json'], { store });
        assert.equal(report.code, 5, report.stderr);
        const reasons = (json<{ Rules: Row[] }>(report).Rules[0]?.Violations as Row[]).map((v) => String(v.Reason));
        assert.ok(reasons.length > 0 && reasons.every((r) => r.includes('SmtpClientAuthenticationDisabled is True, expected $null')), reasons.join('\n'));
        await ok(['audit', policy, '--fix', '--yes'], { store });
        assert.equal((await casctl(['audit', policy], { store })).code, 0);
        const mailboxes = json<Row[]>(await ok(['get-casmailbox', '--organizational-unit', FINANCE, '-o', 'json'], { store }));
        assert.ok(mailboxes.length > 0 && mailboxes.every((m) => m.SmtpClientAuthenticationDisabled === null));
        await ok(['set-casmailbox', '--organizational-unit', FINANCE, '--smtp-client-authentication-disabled', 'true', '--yes'], { store });
      }
    });
  });
}
