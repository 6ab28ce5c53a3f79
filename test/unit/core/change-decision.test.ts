import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFIRM_ABOVE, decideChange, type ChangeDecision, type ChangeDecisionInput } from '../../../src/core/change-decision.js';

const base: ChangeDecisionInput = { toChange: 5, failed: 0, whatIf: false, yes: false, atomic: false, canAsk: true };

const NO_TERMINAL =
  'This would change 5 mailboxes and there is no terminal to confirm on. ' +
  'Review it with --what-if, then confirm with --yes (-Confirm:$false); nothing was changed.';

test('a planned change is aborted, shown, confirmed or applied from its counts and options alone', () => {
  const cases: [string, Partial<ChangeDecisionInput>, ChangeDecision][] = [
    ['several mailboxes on a terminal: asked first', {}, { action: 'confirm' }],
    ['several mailboxes, --yes: applied', { yes: true }, { action: 'apply' }],
    ['several mailboxes, no terminal: refused with how to go on', { canAsk: false }, { action: 'abort', reason: 'no-terminal', message: NO_TERMINAL }],
    ['several mailboxes, no terminal, --yes: applied', { canAsk: false, yes: true }, { action: 'apply' }],
    ['one mailbox: applied without a question', { toChange: 1, canAsk: false }, { action: 'apply' }],
    ['nothing to change: applied (a change of nothing)', { toChange: 0, canAsk: false }, { action: 'apply' }],
    ['--what-if: shown, never asked', { whatIf: true, canAsk: false }, { action: 'what-if' }],
    ['--what-if with errors: still shown', { whatIf: true, failed: 2 }, { action: 'what-if' }],
    ['errors without --atomic: the rest goes on', { failed: 2, yes: true }, { action: 'apply' }],
    ['--atomic with one error', { atomic: true, failed: 1, yes: true }, { action: 'abort', reason: 'atomic', message: 'Nothing was changed: --atomic, and 1 item failed.' }],
    ['--atomic with errors, before --what-if', { atomic: true, failed: 3, whatIf: true }, { action: 'abort', reason: 'atomic', message: 'Nothing was changed: --atomic, and 3 items failed.' }],
    ['--atomic without errors: as without it', { atomic: true }, { action: 'confirm' }],
    ['a threshold of 10: 5 mailboxes applied unasked', { confirmAbove: 10, canAsk: false }, { action: 'apply' }],
    ['a threshold of 4: 5 mailboxes asked', { confirmAbove: 4 }, { action: 'confirm' }],
    ['--confirm, one mailbox: asked all the same', { toChange: 1, confirm: true }, { action: 'confirm' }],
    ['--confirm, one mailbox, no terminal: refused, in the singular', { toChange: 1, confirm: true, canAsk: false },
      { action: 'abort', reason: 'no-terminal', message: NO_TERMINAL.replace('change 5 mailboxes', 'change 1 mailbox') }],
    ['--confirm with nothing to change: nothing to ask', { toChange: 0, confirm: true, canAsk: false }, { action: 'apply' }],
  ];
  for (const [name, input, expected] of cases) assert.deepEqual(decideChange({ ...base, ...input }), expected, name);
});

test('more than one mailbox is confirmed by default', () => {
  assert.equal(CONFIRM_ABOVE, 1);
  assert.deepEqual(decideChange({ ...base, toChange: 2, canAsk: false }).action, 'abort');
  assert.deepEqual(decideChange({ ...base, toChange: 1_000_000, canAsk: false }), {
    action: 'abort',
    reason: 'no-terminal',
    message: NO_TERMINAL.replace('change 5 mailboxes', 'change 1000000 mailboxes'),
  });
});
