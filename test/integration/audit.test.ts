import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { CAS_SETTINGS } from '../../src/core/protocols.js';
import { FIXTURES, casctl, json, sampleStore, STORE_KINDS, tempDir } from '../helpers/cli.js';

interface AuditJson {
  Summary: { Rules: number; Passed: number; Failed: number; Violations: number; Errors: number };
  Rules: { Name: string; Result: string; Selected: number; Errors: string[]; Violations: { Name: string; PrimarySmtpAddress: string; Reason: string }[] }[];
}

function policy(text: string, name = 'policy.yml'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

const FINANCE = `rules:
  - name: Finance has no POP3 or IMAP4
    organizationalUnit: North America/Finance
    filter: "RecipientTypeDetails -eq 'UserMailbox'"
    expect: { PopEnabled: false, ImapEnabled: false }
    except: [ dmitri.volkov@tailspintoys.com ]
`;

// Store-agnostic: every test runs on SQLite and on LDAP (a slapd of its own per test).
for (const kind of STORE_KINDS) {
  describe(`on ${kind}`, () => {
    test('an expect rule lists exactly the mailboxes that break it, exceptions left out', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['audit', policy(FINANCE), '-o', 'json'], { store });
      assert.equal(result.code, 5, result.stderr);
      const report = json<AuditJson>(result);
      const [rule] = report.Rules;
      assert.equal(rule?.Selected, 13, '14 Finance users, one excepted');
      const expected = json<{ Name: string }[]>(await casctl(['get-casmailbox', '--organizational-unit', 'North America/Finance', '--filter',
        "RecipientTypeDetails -eq 'UserMailbox' -and (PopEnabled -eq $true -or ImapEnabled -eq $true) -and Name -ne 'Dmitri Volkov'", '-o', 'json'], { store }));
      assert.deepEqual(rule?.Violations.map((v) => v.Name).sort(), expected.map((m) => m.Name).sort());
      assert.ok(rule?.Violations.every((v) => /expected False/.test(v.Reason)));
      assert.match(result.stderr, /1 rule, 0 passed, 1 failed, \d+ violations?, 0 identities that do not resolve\./);
    });

    test('a max rule, an identities file rule and a JSON policy', async () => {
      const store = await sampleStore(kind);
      const path = policy(JSON.stringify({
        rules: [
          { name: 'At most 5 mailboxes have POP3 off', filter: 'PopEnabled -eq $false', max: 5 },
          { name: 'The article accounts keep IMAP4', file: 'lists/Accounts.txt', expect: { ImapEnabled: true } },
          { name: 'Nobody outside IT has POP3', filter: "Department -ne 'IT'", expect: { PopEnabled: false } },
        ],
      }), 'policy.json');
      mkdirSync(join(dirname(path), 'lists'));
      copyFileSync(join(FIXTURES, 'Accounts.txt'), join(dirname(path), 'lists', 'Accounts.txt'));
      const report = json<AuditJson>(await casctl(['audit', path, '-o', 'json'], { store }));
      const [max, accounts, outside] = report.Rules;
      const popOff = json<unknown[]>(await casctl(['get-casmailbox', '--filter', 'PopEnabled -eq $false', '-o', 'json'], { store })).length;
      assert.equal(max?.Selected, popOff);
      assert.equal(max?.Result, popOff > 5 ? 'Fail' : 'Pass');
      assert.equal(max?.Violations.length, popOff > 5 ? popOff : 0);
      assert.equal(accounts?.Result, 'Pass');
      assert.equal(accounts?.Selected, 4);
      assert.equal(outside?.Result, 'Fail');
      assert.ok(outside?.Violations.every((v) => v.Reason === 'PopEnabled is True, expected False'));
    });

    test('a clean directory passes: exit 0', async () => {
      const store = await sampleStore(kind);
      const path = policy(`rules:\n  - name: The Administrator never has POP3\n    identities: [ Administrator ]\n    expect: { PopEnabled: false, ImapEnabled: false }\n`);
      const result = await casctl(['audit', path], { store });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Pass\s+The Administrator never has POP3\s+1\s+0/);
    });

    test('JUnit XML: one test case per rule, one failure per violating mailbox', async () => {
      const store = await sampleStore(kind);
      const path = join(FIXTURES, 'policies', 'sample-policy.yml');
      const report = json<AuditJson>(await casctl(['audit', path, '-o', 'json'], { store }));
      const result = await casctl(['audit', path, '-o', 'junit'], { store });
      assert.equal(result.code, 5);
      const xml = result.stdout;
      assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
      const attr = (tag: string, name: string): string => new RegExp(`<${tag} [^>]*${name}="(\\d+)"`).exec(xml)?.[1] ?? 'missing';
      assert.equal(attr('testsuites', 'tests'), String(report.Summary.Rules));
      assert.equal(attr('testsuites', 'failures'), String(report.Summary.Failed));
      assert.equal(attr('testsuite', 'tests'), String(report.Summary.Rules));
      assert.equal(attr('testsuite', 'failures'), String(report.Summary.Failed));
      assert.equal((xml.match(/<testcase /g) ?? []).length, report.Summary.Rules);
      assert.equal((xml.match(/<failure /g) ?? []).length, report.Summary.Violations);
      assert.equal((xml.match(/<testcase [^>]*>\n\s+<failure/g) ?? []).length, report.Summary.Failed, 'failing cases hold failures');
      assert.ok(xml.includes('Katherine &quot;Kate&quot; O&apos;Neil &lt;kate.oneil@tailspintoys.com&gt;'), 'names are escaped');
      assert.ok(xml.trimEnd().endsWith('</testsuites>'));
    });

    test('csv lists one row per violation', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['audit', policy(FINANCE), '-o', 'csv'], { store });
      const lines = result.stdout.trimEnd().split('\r\n');
      assert.equal(lines[0], ['Rule', 'Guid', 'Name', 'PrimarySmtpAddress', ...CAS_SETTINGS, 'Reason'].join(','));
      assert.equal(lines.length - 1, json<AuditJson>(await casctl(['audit', policy(FINANCE), '-o', 'json'], { store })).Summary.Violations);
    });

    const badPolicies: [string, string, RegExp][] = [
      ['YAML syntax', 'rules:\n  - name: x\n    expect: { PopEnabled: false\n', /policy\.yml:\d+:\d+: /],
      ['unknown key', 'rules:\n  - name: x\n    expct: { PopEnabled: false }\n', /policy\.yml:3:5: unknown key 'expct'/],
      ['bad filter', "rules:\n  - name: x\n    filter: \"Departmnet -eq 'IT'\"\n    expect: { PopEnabled: false }\n", /policy\.yml:3:13: Invalid filter: unknown property 'Departmnet'[\s\S]*Did you mean 'Department'/],
      ['no name', 'rules:\n  - expect: { PopEnabled: false }\n', /policy\.yml:2:5: every rule needs a "name"/],
      ['bad setting', 'rules:\n  - name: x\n    expect: { SmtpEnabled: false }\n', /policy\.yml:3:15: 'SmtpEnabled' is not a setting/],
      ['not a boolean', 'rules:\n  - name: x\n    expect: { PopEnabled: "no" }\n', /PopEnabled must be true or false/],
      ['nothing stated', 'rules:\n  - name: x\n    filter: "PopEnabled -eq $true"\n', /states nothing: give "expect", "max" or both/],
      ['negative max', 'rules:\n  - name: x\n    max: -1\n', /policy\.yml:3:10: "max" must be a whole number/],
      ['duplicate names', 'rules:\n  - name: x\n    max: 1\n  - name: x\n    max: 2\n', /policy\.yml:4:11: two rules are named 'x'/],
      ['no rules', 'rules: []\n', /"rules" must be a non-empty list/],
    ];

    for (const [what, text, message] of badPolicies) {
      test(`a bad policy is exit 2 with a located error: ${what}`, async () => {
        const store = await sampleStore(kind);
        const result = await casctl(['audit', policy(text)], { store });
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, message);
        assert.equal(result.stdout, '');
      });
    }

    test('an audit of a store that does not exist is exit 3', async () => {
      const result = await casctl(['audit', policy(FINANCE)], { store: join(tempDir(), 'none.db') });
      assert.equal(result.code, 3);
    });

    test('--fix makes exactly the plan that turns the audit clean; recorded and undoable', async () => {
      const store = await sampleStore(kind);
      const path = policy(FINANCE);
      const before = json<AuditJson>(await casctl(['audit', path, '-o', 'json'], { store }));
      const whatIf = await casctl(['audit', path, '--fix', '--what-if', '-o', 'json'], { store });
      assert.equal(whatIf.code, 5, `--what-if fixed nothing: the violations remain\n${whatIf.stderr}`);
      const plan = json<{ Summary: { Changed: number }; Items: { Name: string }[] }>(whatIf);
      assert.deepEqual(plan.Items.map((i) => i.Name).sort(), before.Rules[0]?.Violations.map((v) => v.Name).sort());
      const fix = await casctl(['audit', path, '--fix', '--yes'], { store });
      assert.equal(fix.code, 0, fix.stderr);
      assert.match(fix.stderr, /Recorded as change 1/);
      const after = await casctl(['audit', path], { store });
      assert.equal(after.code, 0, after.stderr);
      assert.equal((await casctl(['undo', '1', '--yes'], { store })).code, 0);
      assert.equal((await casctl(['audit', path], { store })).code, 5, 'undone: the violations are back');
      const refusal = await casctl(['audit', path, '--fix'], { store });
      assert.equal(refusal.code, 2, 'no terminal, no --yes: refused');
    });

    test('--fix counts the identities a rule names that are not found or ambiguous in its summary', async () => {
      const store = await sampleStore(kind);
      const path = policy('rules:\n  - name: Named\n    identities: [rzaher, nobody-here@tailspintoys.com]\n    expect: { PopEnabled: false }\n');
      const result = await casctl(['audit', path, '--fix', '--yes', '-o', 'json'], { store });
      const summary = json<{ Summary: { Changed: number; NotFound: number } }>(result).Summary;
      assert.deepEqual([summary.Changed, summary.NotFound], [1, 1], result.stderr);
    });

    test('identities that name no mailbox, or several, fail their rule; a stale exception is only a warning', async () => {
      const store = await sampleStore(kind);
      // rzaher already has POP3 on, so without its two bad identities the rule would pass.
      const path = policy('rules:\n  - name: Named\n    identities: [rzaher, rzahre, Chris Green]\n    expect: { PopEnabled: true }\n  - name: Excepted\n    identities: [rzaher]\n    except: [nobody-here@tailspintoys.com]\n    expect: { PopEnabled: true }\n');
      const result = await casctl(['audit', path, '-o', 'json'], { store });
      assert.equal(result.code, 5, result.stderr);
      const report = json<AuditJson>(result);
      assert.deepEqual([report.Summary.Failed, report.Summary.Violations, report.Summary.Errors], [1, 0, 2]);
      assert.deepEqual(report.Rules.map((r) => [r.Name, r.Result, r.Errors.length]), [['Named', 'Fail', 2], ['Excepted', 'Pass', 0]]);
      assert.match(result.stderr, /WARNING: Rule 'Excepted': an exception is stale: .*'nobody-here@tailspintoys\.com' couldn't be found/);
      const junit = await casctl(['audit', path, '-o', 'junit'], { store });
      assert.equal(junit.code, 5);
      assert.match(junit.stdout, /<testsuites name="casctl audit" tests="2" failures="0" errors="1">/);
      assert.equal((junit.stdout.match(/<error type="identity"/g) ?? []).length, 2);
      const clean = policy('rules:\n  - name: Excepted\n    identities: [rzaher]\n    except: [nobody-here@tailspintoys.com]\n    expect: { PopEnabled: true }\n');
      assert.equal((await casctl(['audit', clean], { store })).code, 0, 'a stale exception alone fails nothing');
    });

    test('--fix leaves max rules to the admin and says so', async () => {
      const store = await sampleStore(kind);
      const path = policy('rules:\n  - name: At most 5 have POP3\n    filter: "PopEnabled -eq $true"\n    max: 5\n');
      const result = await casctl(['audit', path, '--fix', '--yes'], { store });
      assert.equal(result.code, 5);
      assert.match(result.stderr, /cannot be fixed automatically/);
    });

    const CONTRADICTING = `rules:
  - name: Finance has no IMAP4
    organizationalUnit: North America/Finance
    expect: { ImapEnabled: false }
  - name: Dmitri keeps IMAP4
    identities: [ dmitri.volkov@tailspintoys.com ]
    expect: { ImapEnabled: true }
`;

    test('rules that expect opposite values of one mailbox are a policy error: exit 2, both rules and a sample named, no report', async () => {
      const store = await sampleStore(kind);
      const path = policy(CONTRADICTING);
      for (const format of ['table', 'json', 'csv', 'junit']) {
        const result = await casctl(['audit', path, '-o', format], { store });
        assert.equal(result.code, 2, `${format}: ${result.stderr}`);
        assert.equal(result.stdout, '', `${format}: a policy error prints no report`);
        assert.match(
          result.stderr,
          /policy\.yml: rules contradict each other[^\n]*\n {2}rule 'Finance has no IMAP4' \(\S*policy\.yml:2:5\) expects ImapEnabled False and rule 'Dmitri keeps IMAP4' \(\S*policy\.yml:5:5\) expects True of the same 1 mailbox, e\.g\. Dmitri Volkov <dmitri\.volkov@tailspintoys\.com>/,
        );
      }
    });

    test('--fix refuses a policy whose rules contradict each other: exit 2, nothing changed, nothing recorded', async () => {
      const store = await sampleStore(kind);
      const path = policy(CONTRADICTING);
      const finance = async (): Promise<unknown> => json(await casctl(['get-casmailbox', '--organizational-unit', 'North America/Finance', '-o', 'json'], { store }));
      const before = await finance();
      const fix = await casctl(['audit', path, '--fix', '--yes', '-o', 'json'], { store });
      assert.equal(fix.code, 2, fix.stderr);
      assert.equal(fix.stdout, '');
      assert.match(fix.stderr, /rules contradict each other/);
      assert.deepEqual(await finance(), before);
      assert.deepEqual(json(await casctl(['get-changelog', '-o', 'json'], { store })), [], 'nothing recorded');
    });

    test('an exception that lets the shared mailbox off one rule settles the contradiction; rules that overlap and agree never were one', async () => {
      const store = await sampleStore(kind);
      const excepted = await casctl(['audit', policy(`${CONTRADICTING.replace('expect: { ImapEnabled: false }', 'expect: { ImapEnabled: false }\n    except: [ dvolkov ]')}`), '-o', 'json'], { store });
      assert.equal(excepted.code, 5, excepted.stderr);
      assert.deepEqual(json<AuditJson>(excepted).Rules.map((r) => [r.Name, r.Result]), [['Finance has no IMAP4', 'Fail'], ['Dmitri keeps IMAP4', 'Pass']]);
      const agreeing = await casctl(['audit', policy(CONTRADICTING.replace('expect: { ImapEnabled: true }', 'expect: { ImapEnabled: false }')), '-o', 'json'], { store });
      assert.equal(agreeing.code, 5, agreeing.stderr);
      assert.deepEqual(json<AuditJson>(agreeing).Rules.map((r) => [r.Name, r.Selected]), [['Finance has no IMAP4', 15], ['Dmitri keeps IMAP4', 1]]);
    });

    test('get-casmailbox --expect-none: a one-line CI check', async () => {
      const store = await sampleStore(kind);
      const some = await casctl(['get-casmailbox', '--filter', 'PopEnabled -eq $false -and ImapEnabled -eq $false', '--expect-none', '-o', 'id'], { store });
      assert.equal(some.code, 5);
      assert.match(some.stderr, /5 match; --expect-none expected none/);
      const none = await casctl(['get-casmailbox', '--filter', "Name -eq 'Nobody At All'", '--expect-none'], { store });
      assert.equal(none.code, 0);
    });
  });
}
