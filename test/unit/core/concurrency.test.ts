import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapInOrder } from '../../../src/core/concurrency.js';

async function* numbers(count: number, pulled: number[]): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    pulled.push(i);
    yield i;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('mapInOrder yields in the source order whatever order the calls finish in, at most `limit` in flight, reading ahead no further', async () => {
  let inFlight = 0;
  let most = 0;
  const pulled: number[] = [];
  const seen: number[] = [];
  for await (const value of mapInOrder(numbers(12, pulled), 3, async (n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await sleep((12 - n) * 2);
    inFlight--;
    return n * 10;
  })) {
    seen.push(value);
    // The source is read only as far as the calls in flight need.
    assert.ok(pulled.length <= seen.length + 3, `pulled ${pulled.length} with ${seen.length} yielded`);
  }
  assert.deepEqual(seen, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
  assert.equal(most, 3);
});

test('mapInOrder stops taking items once told, finishing those started; a rejection comes out in its turn', async () => {
  const pulled: number[] = [];
  let stop = false;
  const seen: number[] = [];
  for await (const value of mapInOrder(numbers(100, pulled), 2, async (n) => n, () => stop)) {
    seen.push(value);
    if (value === 3) stop = true;
  }
  assert.ok(seen.length <= 6 && seen.slice(0, 4).join() === '0,1,2,3', seen.join());

  const results: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const value of mapInOrder(numbers(5, []), 4, async (n) => {
        if (n === 2) throw new Error('call 2 failed');
        await sleep(5);
        return n;
      })) results.push(value);
    })(),
    /call 2 failed/,
  );
  assert.deepEqual(results, [0, 1]);
});
