import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { ContradictionFinder } from '../../../src/audit/contradictions.js';
import type { AuditRule } from '../../../src/audit/policy.js';
import { runAudit, type RuleResult } from '../../../src/audit/run-audit.js';
import { ExitCode, UsageError } from '../../../src/core/errors.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { memoryStore, useMemoryStore, type MailboxSeed } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY } from '../../helpers/small-directory.js';
import type { DirectoryStore } from '../../../src/store/directory-store.js';

const small = useMemoryStore(SMALL_DIRECTORY);

function audit(rules: AuditRule[], store: DirectoryStore = small()): Promise<RuleResult[]> {
  return runAudit(store, { path: 'policy.yml', rules }, Readable.from([]), () => undefined, () => undefined);
}

const list = (...identities: string[]): { list: { identity: string; source: string }[] } => ({
  list: identities.map((identity) => ({ identity, source: 'policy.yml' })),
});

/** The policy error runAudit throws, checked to be one: exit 2. */
async function contradiction(rules: AuditRule[], store?: DirectoryStore): Promise<string> {
  const error: unknown = await audit(rules, store).then(
    () => assert.fail('the rules contradict each other: a policy error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UsageError, String(error));
  assert.equal(error.exitCode, ExitCode.Usage);
  return error.message;
}

describe('rules that contradict each other', () => {
  test('two rules expecting opposite values of mailboxes both cover: both rules, where they are, the count and a sample', async () => {
    const message = await contradiction([
      { name: 'no POP3 in Sales', at: 'policy.yml:2:5', organizationalUnit: 'Sales', expect: { PopEnabled: false } },
      { name: 'the Sales department keeps POP3', at: 'policy.yml:5:5', filter: parseFilter("Department -eq 'Sales'"), expect: { PopEnabled: true } },
    ]);
    assert.match(message, /^policy\.yml: rules contradict each other/);
    assert.match(
      message,
      /rule 'no POP3 in Sales' \(policy\.yml:2:5\) expects PopEnabled False and rule 'the Sales department keeps POP3' \(policy\.yml:5:5\) expects True of the same 2 mailboxes, e\.g\. (Ann Lee <ann\.lee@example\.com>|Bob Stone <bob\.stone@example\.com>)/,
    );
    assert.match(message, /except: or exceptFile:/);
  });

  test('whatever the rules select by: identities against an OU, one mailbox', async () => {
    const message = await contradiction([
      { name: 'IT keeps IMAP4', organizationalUnit: 'IT', expect: { ImapEnabled: true } },
      { name: 'Dana has no IMAP4', identities: list('dana.fox'), expect: { ImapEnabled: false, PopEnabled: true } },
    ]);
    assert.match(message, /rule 'IT keeps IMAP4' expects ImapEnabled True and rule 'Dana has no IMAP4' expects False of the same 1 mailbox, e\.g\. Dana Fox <dana\.fox@example\.com>/);
    assert.doesNotMatch(message, /PopEnabled/, 'only the setting they disagree on');
  });

  test('a max rule that also expects counts like any other', async () => {
    const message = await contradiction([
      { name: 'POP3 for the few', identities: list('eve.moss'), expect: { PopEnabled: true } },
      { name: 'Support without POP3, at most 5', organizationalUnit: 'Support', max: 5, expect: { PopEnabled: false } },
    ]);
    assert.match(message, /of the same 1 mailbox, e\.g\. Eve Moss/);
  });

  test('every pair is named with its own exact count', async () => {
    const message = await contradiction([
      { name: 'A', organizationalUnit: 'Sales', expect: { PopEnabled: true } },
      { name: 'B', filter: parseFilter("Department -eq 'Sales'"), expect: { PopEnabled: true } },
      { name: 'C', organizationalUnit: 'Sales', expect: { PopEnabled: false } },
    ]);
    assert.match(message, /rule 'A' expects PopEnabled True and rule 'C' expects False of the same 3 mailboxes/);
    assert.match(message, /rule 'B' expects PopEnabled True and rule 'C' expects False of the same 2 mailboxes/);
    assert.doesNotMatch(message, /rule 'A' .* rule 'B'/, 'A and B agree');
  });

  test('rules that overlap and agree are no error', async () => {
    const results = await audit([
      { name: 'no POP3 in Sales', organizationalUnit: 'Sales', expect: { PopEnabled: false } },
      { name: 'no POP3 in the Sales department', filter: parseFilter("Department -eq 'Sales'"), expect: { PopEnabled: false, ImapEnabled: true } },
    ]);
    assert.deepEqual(results.map((r) => r.selected), [3, 2]);
  });

  test('opposite values for mailboxes no rule shares are no error: the store decides, not the text', async () => {
    const results = await audit([
      { name: 'no POP3 in Sales', organizationalUnit: 'Sales', expect: { PopEnabled: false } },
      { name: 'POP3 in IT', organizationalUnit: 'IT', expect: { PopEnabled: true } },
    ]);
    assert.deepEqual(results.map((r) => [r.selected, r.violations.length]), [[3, 2], [3, 1]], 'each rule still counts and lists what it reads in full');
  });

  test('an exception that lets the shared mailboxes off one rule settles it', async () => {
    const results = await audit([
      { name: 'no POP3 in Sales', organizationalUnit: 'Sales', expect: { PopEnabled: false }, except: list('ann.lee', 'bob.stone') },
      { name: 'the Sales department keeps POP3', filter: parseFilter("Department -eq 'Sales'"), expect: { PopEnabled: true } },
    ]);
    assert.deepEqual(results.map((r) => [r.selected, r.violations.map((v) => v.Name)]), [[1, ['Chris Green']], [2, ['Bob Stone']]]);
  });

  test('50,000 mailboxes under two contradicting rules: every one counted, in linear time', async () => {
    const seeds: MailboxSeed[] = Array.from({ length: 50_000 }, (_, i) => ({ Name: `User ${i}`, Department: `Dept ${i % 2}` }));
    const store = await memoryStore(seeds);
    try {
      const started = Date.now();
      const message = await contradiction(
        [
          { name: 'everyone keeps IMAP4', expect: { ImapEnabled: true } },
          { name: 'Dept 1 has no IMAP4', filter: parseFilter("Department -eq 'Dept 1'"), expect: { ImapEnabled: false } },
        ],
        store,
      );
      assert.match(message, /of the same 25000 mailboxes/);
      // Pairs of mailboxes (1.25 billion) would take minutes; one map per setting takes a second or two.
      assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    } finally {
      await store.close();
    }
  });
});

describe('ContradictionFinder', () => {
  const mailbox = (n: number): { Guid: string; Name: string; PrimarySmtpAddress: string } => ({ Guid: `g${n}`, Name: `M${n}`, PrimarySmtpAddress: `m${n}@example.com` });

  test('watches only rules expecting a setting that another rule expects the other way', () => {
    const rules: AuditRule[] = [
      { name: 'a', expect: { PopEnabled: false, ImapEnabled: true } },
      { name: 'b', expect: { PopEnabled: true } },
      { name: 'c', expect: { ImapEnabled: true } },
      { name: 'd', max: 3 },
    ];
    const finder = new ContradictionFinder(rules);
    assert.deepEqual(rules.map((r) => finder.watches(r)), [true, true, false, false]);
  });

  test('a mailbox a rule covers twice is one demand; the sample is the first mailbox met', () => {
    const finder = new ContradictionFinder([
      { name: 'a', expect: { PopEnabled: false } },
      { name: 'b', expect: { PopEnabled: true } },
    ]);
    finder.cover(0, mailbox(1));
    finder.cover(0, mailbox(1));
    finder.cover(0, mailbox(2));
    finder.cover(1, mailbox(2));
    finder.cover(1, mailbox(1));
    finder.cover(1, mailbox(1));
    finder.cover(1, mailbox(3));
    const [found, ...more] = finder.contradictions();
    assert.deepEqual(more, []);
    assert.deepEqual([found?.rules.map((r) => r.name), found?.setting, found?.expected, found?.mailboxes, found?.sample.Name], [['a', 'b'], 'PopEnabled', false, 2, 'M2']);
  });
});
