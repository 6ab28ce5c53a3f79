import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILT_IN, INHERITED, PlanBook, checkPlanWrites, scopeChain, type CasMailboxPlan } from '../../../src/core/mailbox-plans.js';

const plan = (Scope: string, Settings: CasMailboxPlan['Settings']): CasMailboxPlan => ({ Guid: `g-${Scope}`, Scope, Settings, WhenChanged: '2026-01-01T00:00:00.000Z' });

test('the scopes deciding for an OU run from it up to the directory; the domain is no OU', () => {
  assert.deepEqual(scopeChain('x.com/A/B'), ['x.com/A/B', 'x.com/A', '']);
  assert.deepEqual(scopeChain('x.com'), ['']);
});

test('per setting, the nearest plan that holds it wins, case-insensitively; the built-in default comes last', () => {
  // SMTP AUTH's built-in default is $null: a new mailbox follows the organisation default.
  const smtpBuiltIn = { value: null, source: BUILT_IN };
  const book = new PlanBook([plan('', { ImapEnabled: false }), plan('x.com/A', { PopEnabled: false }), plan('x.com/A/B', { ImapEnabled: true })]);
  assert.deepEqual(book.effective('X.COM/a/b/C'), { PopEnabled: { value: false, source: 'x.com/A' }, ImapEnabled: { value: true, source: 'x.com/A/B' }, OWAEnabled: { value: true, source: BUILT_IN }, SmtpClientAuthenticationDisabled: smtpBuiltIn, ManageSieveEnabled: { value: true, source: BUILT_IN } });
  assert.deepEqual(book.effective('x.com/Other'), { PopEnabled: { value: true, source: BUILT_IN }, ImapEnabled: { value: false, source: 'Default' }, OWAEnabled: { value: true, source: BUILT_IN }, SmtpClientAuthenticationDisabled: smtpBuiltIn, ManageSieveEnabled: { value: true, source: BUILT_IN } });
  assert.deepEqual(book.effective(''), { PopEnabled: { value: true, source: BUILT_IN }, ImapEnabled: { value: false, source: 'Default' }, OWAEnabled: { value: true, source: BUILT_IN }, SmtpClientAuthenticationDisabled: smtpBuiltIn, ManageSieveEnabled: { value: true, source: BUILT_IN } });
  assert.deepEqual(new PlanBook([]).effective('x.com/A').PopEnabled, { value: true, source: BUILT_IN });
});

test('a plan may hold null only for a setting the registry makes nullable', () => {
  assert.throws(() => checkPlanWrites([{ scope: '', property: 'ImapEnabled', to: null, from: INHERITED }]), /ImapEnabled cannot be \$null/);
  assert.doesNotThrow(() => checkPlanWrites([{ scope: '', property: 'ImapEnabled', to: INHERITED, from: false }]));
  assert.doesNotThrow(() => checkPlanWrites([{ scope: '', property: 'SmtpClientAuthenticationDisabled', to: null, from: true }]));
});

test("a plan's null of a nullable setting is held, not inherited: it overrides the plan above", () => {
  const book = new PlanBook([plan('', { SmtpClientAuthenticationDisabled: true }), plan('x.com/A', { SmtpClientAuthenticationDisabled: null })]);
  assert.deepEqual(book.effective('x.com/A/B').SmtpClientAuthenticationDisabled, { value: null, source: 'x.com/A' });
  assert.deepEqual(book.effective('x.com/Other').SmtpClientAuthenticationDisabled, { value: true, source: 'Default' });
});
