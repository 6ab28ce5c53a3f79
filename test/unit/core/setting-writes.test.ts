import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latestWrites } from '../../../src/core/setting-writes.js';
import type { SettingWrite } from '../../../src/store/directory-store.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

test('one decision per (mailbox, setting): the later write wins, settings apart', () => {
  const cases: [string, SettingWrite[], SettingWrite[]][] = [
    ['nothing', [], []],
    [
      'a setting written once passes as it is, a mailbox named twice in it included',
      [{ property: 'PopEnabled', to: false, guids: [A, B, A] }],
      [{ property: 'PopEnabled', to: false, guids: [A, B, A] }],
    ],
    [
      'the later write takes the mailbox from the earlier one, Guids in any case',
      [{ property: 'PopEnabled', to: false, guids: [A, B] }, { property: 'PopEnabled', to: true, guids: [B.toUpperCase()] }],
      [{ property: 'PopEnabled', to: false, guids: [A] }, { property: 'PopEnabled', to: true, guids: [B.toUpperCase()] }],
    ],
    [
      'an earlier write left with no mailbox is dropped; from is kept',
      [{ property: 'ImapEnabled', to: true, from: false, guids: [A] }, { property: 'ImapEnabled', to: false, guids: [A, C] }],
      [{ property: 'ImapEnabled', to: false, guids: [A, C] }],
    ],
    [
      'other settings of the same mailbox are their own decisions',
      [
        { property: 'PopEnabled', to: false, guids: [A] },
        { property: 'ImapEnabled', to: false, guids: [A] },
        { property: 'PopEnabled', to: true, guids: [A, C] },
      ],
      [
        { property: 'ImapEnabled', to: false, guids: [A] },
        { property: 'PopEnabled', to: true, guids: [A, C] },
      ],
    ],
    [
      'three writes: each mailbox goes to the last that names it',
      [
        { property: 'PopEnabled', to: true, guids: [A, B, C] },
        { property: 'PopEnabled', to: false, guids: [B] },
        { property: 'PopEnabled', to: true, from: false, guids: [C] },
      ],
      [
        { property: 'PopEnabled', to: true, guids: [A] },
        { property: 'PopEnabled', to: false, guids: [B] },
        { property: 'PopEnabled', to: true, from: false, guids: [C] },
      ],
    ],
  ];
  for (const [what, writes, expected] of cases) assert.deepEqual([...latestWrites(writes)], expected, what);
});
