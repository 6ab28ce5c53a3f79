import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteQuantifiedSize } from '../../../src/output/byte-size.js';

test("TotalItemSize as Exchange shows it: the largest binary unit, four significant digits, then the exact bytes", () => {
  const cases: [number, string][] = [
    [0, '0 B (0 bytes)'],
    [37, '37 B (37 bytes)'],
    [1023, '1023 B (1,023 bytes)'],
    [1024, '1 KB (1,024 bytes)'],
    [6902, '6.74 KB (6,902 bytes)'],
    [1293942, '1.234 MB (1,293,942 bytes)'],
    [418476105, '399.1 MB (418,476,105 bytes)'],
    [1677410304, '1.562 GB (1,677,410,304 bytes)'],
    [5 * 1024 ** 4, '5 TB (5,497,558,138,880 bytes)'],
  ];
  for (const [bytes, shown] of cases) assert.equal(byteQuantifiedSize(bytes), shown, String(bytes));
});
