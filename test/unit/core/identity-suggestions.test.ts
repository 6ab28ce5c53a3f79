import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestMailboxes, MissSuggestions } from '../../../src/core/identity-suggestions.js';
import { selectMailboxes, type NamedIdentity, type SelectionProblem } from '../../../src/core/select.js';
import { memoryStore, useMemoryStore } from '../../helpers/memory-store.js';
import { SMALL_DIRECTORY, argumentIdentities } from '../../helpers/small-directory.js';

const store = useMemoryStore([
  ...SMALL_DIRECTORY,
  { Name: 'José García', Alias: 'jgarcia', PrimarySmtpAddress: 'jose.garcia@example.com' },
  { Name: 'Jürgen Groß', Alias: 'jgross' },
  { Name: 'Rand Zaher', Alias: 'rzaher', PrimarySmtpAddress: 'rand.zaher@tailspintoys.com', UserPrincipalName: 'rzaher@tailspintoys.com' },
]);

async function problems(...identities: string[]): Promise<string[]> {
  const found: SelectionProblem[] = [];
  for await (const _ of selectMailboxes(store(), { identities: argumentIdentities(...identities), wildcards: false }, (p) => found.push(p)));
  return found.map((p) => p.message);
}

test("an identity that names nothing keeps Exchange's message, then the closest names with their addresses", async () => {
  const [message] = await problems('jose garcia');
  assert.equal(
    message,
    `The operation couldn't be performed because object 'jose garcia' couldn't be found on '${store().url}'. Did you mean 'José García' <jose.garcia@example.com>?`,
  );
});

test('accents and case are folded, the order of the words forgiven, and typos within a quarter of the length', async () => {
  const cases: [string, string[]][] = [
    ['JOSE GARCIA', ['José García']],
    ['garcia jose', ['José García']],
    ['García, José', ['José García']],
    ['Jurgen Gross', ['Jürgen Groß']],
    ['Jürgen Gros', ['Jürgen Groß']],
    ['Dana Fx', ['Dana Fox']],
    ['Ann Le', ['Ann Lee']],
    ['nobody', []],
  ];
  const closest = await closestMailboxes(store(), cases.map(([identity]) => identity));
  for (const [identity, names] of cases) assert.deepEqual((closest.get(identity) ?? []).map((m) => m.Name), names, identity);
});

test('an address is compared with addresses, its local part and its domain each within their own typos', async () => {
  const closest = await closestMailboxes(store(), ['rzaher@tailspintoy.com', 'dana.fox@exampel.com', 'zzz@example.com']);
  assert.deepEqual(closest.get('rzaher@tailspintoy.com'), [{ Name: 'Rand Zaher', PrimarySmtpAddress: 'rand.zaher@tailspintoys.com' }], 'its UPN');
  assert.deepEqual(closest.get('dana.fox@exampel.com')?.map((m) => m.Name), ['Dana Fox']);
  assert.equal(closest.get('zzz@example.com'), undefined, 'a shared domain alone is no match');
});

test('at most three candidates, closest first', async () => {
  const many = await memoryStore(['Chris Green', 'Chris Greene', 'Chris Gren', 'Chris Grenn', 'Chris Brown'].map((Name, i) => ({ Name, Alias: `c${i}` })));
  const closest = await closestMailboxes(many, ['Chris Greem']);
  assert.deepEqual(closest.get('Chris Greem')?.map((m) => m.Name), ['Chris Green', 'Chris Greene', 'Chris Gren']);
  await many.close();
});

test('a file of 2,000 misses: the first 20 get suggestions in one read of the store, the next says so, the rest are plain', async (t) => {
  const close: Record<number, string> = { 0: 'dana fx', 7: 'Ann Le', 19: 'jose garcia', 25: 'Dana Fx' };
  const lines: NamedIdentity[] = Array.from({ length: 2000 }, (_, i) => ({ identity: close[i] ?? `nobody${i}@example.com`, source: `big.txt:${i + 1}` }));
  async function* file(): AsyncGenerator<NamedIdentity[]> {
    yield lines;
  }
  const found: SelectionProblem[] = [];
  const started = performance.now();
  for await (const _ of selectMailboxes(store(), { identities: file(), wildcards: false }, (p) => found.push(p)));
  t.diagnostic(`2,000 misses in ${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(found.length, 2000);
  const suggested = found.flatMap((p, i) => (p.message.includes('Did you mean') ? [i] : []));
  assert.deepEqual(suggested, [0, 7, 19], 'only within the first 20');
  assert.match(found[MissSuggestions.SUGGESTED]?.message ?? '', /couldn't be found on '[^']+'\. \(Closest names are shown for the first 20 identities not found only\.\)$/);
  assert.equal(found.filter((p) => p.message.includes('Closest names')).length, 1);
});

test('the budget is the run’s: later batches get no more suggestions once it is spent', async () => {
  let reads = 0;
  const counting = new Proxy(store(), {
    get(target, property, receiver) {
      if (property === 'findMailboxes') reads++;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const suggestions = new MissSuggestions(counting);
  const first = await suggestions.closest(Array.from({ length: 15 }, () => 'dana fx'));
  const second = await suggestions.closest(['ann le', 'ann le', 'ann le', 'ann le', 'ann le', 'ann le', 'dana fx']);
  const third = await suggestions.closest(['ann le']);
  assert.deepEqual([first.closest.size, first.firstUnsuggested], [1, undefined]);
  assert.deepEqual([second.closest.has('ann le'), second.firstUnsuggested], [true, 'ann le']);
  assert.deepEqual([third.closest.size, third.firstUnsuggested], [0, undefined]);
  assert.equal(reads, 2, 'one read per batch with misses to suggest for, none after');
});
