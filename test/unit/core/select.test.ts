import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { resolveOrganizationalUnit, selectMailboxBatches, selectMailboxes, type NamedIdentity, type Selection, type SelectionProblem } from '../../../src/core/select.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY, argumentIdentities } from '../../helpers/small-directory.js';

const store = useMemoryStore(SMALL_DIRECTORY);

interface Selected {
  /** Name <address>, in the order selected. */
  mailboxes: string[];
  namedAs: (string | undefined)[];
  problems: SelectionProblem[];
}

async function select(selection: Partial<Selection>): Promise<Selected> {
  const problems: SelectionProblem[] = [];
  const mailboxes: string[] = [];
  const namedAs: (string | undefined)[] = [];
  for await (const { mailbox, namedAs: named } of selectMailboxes(store(), { wildcards: false, ...selection }, (p) => problems.push(p))) {
    mailboxes.push(`${mailbox.Name} <${mailbox.PrimarySmtpAddress}>`);
    namedAs.push(named?.identity);
  }
  return { mailboxes, namedAs, problems };
}

const ANN = 'Ann Lee <ann.lee@example.com>';
const BOB = 'Bob Stone <bob.stone@example.com>';
const CHRIS_SALES = 'Chris Green <chris.green1@example.com>';
const CHRIS_IT = 'Chris Green <chris.green2@example.com>';
const DANA = 'Dana Fox <dana.fox@example.com>';

test('without identities: the OU (any name of it, its children too) and the filter together; swept mailboxes are named by nobody', async () => {
  const sales = await select({ organizationalUnit: 'Sales' });
  assert.deepEqual(sales.mailboxes.sort(), [ANN, BOB, CHRIS_SALES]);
  assert.deepEqual(sales.namedAs, [undefined, undefined, undefined]);
  assert.deepEqual((await select({ organizationalUnit: 'example.com/Sales', filter: parseFilter("Department -eq 'Sales'") })).mailboxes.sort(), [ANN, BOB]);
  assert.deepEqual((await select({ filter: parseFilter("Department -eq 'IT'") })).mailboxes, [DANA]);
  assert.equal((await select({})).mailboxes.length, SMALL_DIRECTORY.length);
});

test('identities intersect with the OU and the filter; one outside them is left out, not reported', async () => {
  const result = await select({
    identities: argumentIdentities('ann.lee', 'dana.fox@example.com', 'Bob Stone'),
    organizationalUnit: 'example.com/Sales',
    filter: parseFilter("Name -like 'B*'"),
  });
  assert.deepEqual(result.mailboxes, [BOB]);
  assert.deepEqual(result.namedAs, ['Bob Stone']);
  assert.deepEqual(result.problems, []);
});

test("an identity naming nothing or several is reported with Exchange's wording and skipped; the rest proceed", async () => {
  const result = await select({ identities: argumentIdentities('nobody', 'Chris Green', 'ann.lee') });
  assert.deepEqual(result.mailboxes, [ANN]);
  assert.deepEqual(result.problems.map((p) => [p.kind, p.identity.identity]), [['notFound', 'nobody'], ['ambiguous', 'Chris Green']]);
  const [notFound, ambiguous] = result.problems.map((p) => p.message);
  assert.equal(notFound, `The operation couldn't be performed because object 'nobody' couldn't be found on '${store().url}'.`);
  assert.match(ambiguous ?? '', /^The operation couldn't be performed because 'Chris Green' matches multiple entries\.\n/);
  // One line per candidate (same Name: by Guid), then the way out.
  const lines = (ambiguous ?? '').split('\n');
  assert.deepEqual(lines.slice(1, 3).map((line) => line.replace(/Guid \S+/, 'Guid …')).sort(), [
    '    Chris Green <chris.green1@example.com>  Guid …  (example.com/Sales)',
    '    Chris Green <chris.green2@example.com>  Guid …  (example.com/IT)',
  ]);
  assert.equal(lines[3], '  Name the mailbox by its Guid or PrimarySmtpAddress.');
});

test('a wildcard names every match without being ambiguous, within the OU', async () => {
  assert.deepEqual((await select({ identities: argumentIdentities('Chris*'), wildcards: true })).mailboxes.sort(), [CHRIS_SALES, CHRIS_IT]);
  const inIt = await select({ identities: argumentIdentities('Chris*'), wildcards: true, organizationalUnit: 'IT' });
  assert.deepEqual([inIt.mailboxes, inIt.problems], [[CHRIS_IT], []]);
  const literal = await select({ identities: argumentIdentities('Chris*') });
  assert.deepEqual([literal.mailboxes, literal.problems.map((p) => p.kind)], [[], ['notFound']]);
});

test('a mailbox named twice is used once; the repeat is reported as such, another name of it as the same mailbox', async () => {
  const lines: NamedIdentity[] = [
    { identity: 'ann.lee', source: 'Accounts.txt:1' },
    { identity: 'Ann Lee', source: 'Accounts.txt:2' },
    { identity: 'ANN.LEE ', source: 'Accounts.txt:3' },
  ];
  async function* file(): AsyncGenerator<NamedIdentity[]> {
    yield lines;
  }
  const result = await select({ identities: file() });
  assert.deepEqual(result.mailboxes, [ANN]);
  assert.deepEqual(result.problems.map((p) => [p.kind, p.message]), [
    ['duplicate', "'Ann Lee' (Accounts.txt:2) names the same mailbox as 'ann.lee' (Accounts.txt:1); it is used once."],
    ['duplicate', "'ANN.LEE ' (Accounts.txt:3) repeats Accounts.txt:1; it is used once."],
  ]);
  // Wildcards overlapping each other are no repeat worth a word.
  const wild = await select({ identities: argumentIdentities('Chris*', '*Green'), wildcards: true });
  assert.deepEqual([wild.mailboxes.length, wild.problems], [2, []]);
});

test('resultSize caps the selection, with or without identities', async () => {
  assert.equal((await select({ resultSize: 2 })).mailboxes.length, 2);
  assert.deepEqual((await select({ identities: argumentIdentities('ann.lee', 'bob.stone', 'dana.fox'), resultSize: 2 })).mailboxes, [ANN, BOB]);
  assert.deepEqual((await select({ identities: argumentIdentities('Chris*', 'ann.lee'), wildcards: true, resultSize: 1 })).mailboxes.length, 1);
});

test('messages may show identities their own way (an audit shortens lines of files)', async () => {
  const result = await select({ identities: argumentIdentities('nobody at all'), showIdentity: (identity) => `${identity.slice(0, 6)}…` });
  assert.match(result.problems[0]?.message ?? '', /object 'nobody…' couldn't be found/);
});

test('identities are resolved 2,000 at a time, and batches are never empty', async () => {
  const real = ['ann.lee', 'bob.stone', 'dana.fox', 'eve.moss', 'chris.green1'];
  async function* big(): AsyncGenerator<NamedIdentity[]> {
    // Lines arrive 500 at a time; a real identity at every thousandth line, unknown ones between.
    for (let start = 0; start < 4500; start += 500) {
      yield Array.from({ length: 500 }, (_, k) => start + k).map((i) => ({ identity: i % 1000 === 0 ? (real[i / 1000] as string) : `nobody${i}@example.com`, source: `big.txt:${i + 1}` }));
    }
  }
  let notFound = 0;
  const sizes: number[] = [];
  for await (const batch of selectMailboxBatches(store(), { identities: big(), wildcards: false }, (p) => (notFound += Number(p.kind === 'notFound')))) {
    sizes.push(batch.length);
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.equal(notFound, 4495);
});

test('an OU is named by exactly one OU: unknown and ambiguous names are usage errors naming the candidates', async () => {
  assert.equal(await resolveOrganizationalUnit(store(), 'Sales/East'), 'example.com/Sales/East');
  await assert.rejects(resolveOrganizationalUnit(store(), 'East'), (e: unknown) =>
    e instanceof UsageError && /'East' matches multiple entries:\n {4}example\.com\/Sales\/East {2}Guid .*\n {4}example\.com\/Support\/East {2}Guid /.test(e.message));
  await assert.rejects(resolveOrganizationalUnit(store(), 'Nowhere'), (e: unknown) => e instanceof UsageError && /'Nowhere' couldn't be found on 'sqlite::memory:'\. `casctl get-organizationalunit` lists them\.$/.test(e.message));
  await assert.rejects(resolveOrganizationalUnit(store(), 'Sales\\Eest'), {
    message: "The organizational unit 'Sales\\Eest' couldn't be found on 'sqlite::memory:'. Did you mean 'example.com/Sales/East'?",
  });
  await assert.rejects(resolveOrganizationalUnit(store(), 'Easts'), { message: /Did you mean 'example\.com\/Sales\/East' or 'example\.com\/Support\/East'\?$/ });
  await assert.rejects(select({ organizationalUnit: 'Nowhere' }), UsageError);
});
