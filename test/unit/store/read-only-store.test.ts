import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { readOnlyStore } from '../../../src/store/read-only-store.js';
import { memoryStore, mailboxRecord } from '../../helpers/memory-store.js';

const context = { when: new Date('2026-02-01T00:00:00Z'), osUser: 'u', sudoUser: null, host: 'h', commandLine: 'casctl test' };

test('the --read-only store reads, and refuses every write before the store sees it; an import what-if and a prune count are reads', async () => {
  const inner = await memoryStore([{ Name: 'Ann' }]);
  const store = readOnlyStore(inner);
  const [ann] = (await store.resolveIdentities(['Ann'], { wildcards: false })).get('Ann') ?? [];
  assert.ok(ann);
  const refused = (message: RegExp) => (e: unknown) => e instanceof UsageError && message.test(e.message) && /nothing was changed/.test(e.message);
  await assert.rejects(async () => store.applyCasChanges([{ property: 'PopEnabled', to: false, guids: [ann.Guid] }], context), refused(/changing CAS settings/));
  await assert.rejects(async () => store.setTransportConfig({ property: 'SmtpClientAuthenticationDisabled', to: true }, context), refused(/organisation default/));
  await assert.rejects(async () => store.markServicesRefreshed(['MSExchangePOP3'], 1, context.when), refused(/service refresh/));
  await assert.rejects(async () => store.applyPlanChanges([], context), refused(/mailbox plan/));
  await assert.rejects(async () => store.importMailboxes([[mailboxRecord({ Name: 'Bob' })]], context.when), refused(/importing/));
  await assert.rejects(async () => store.pruneChangeRecords({ before: context.when, refreshedThrough: 0 }, () => context), refused(/pruning/));
  const whatIf = await store.importMailboxes([[mailboxRecord({ Name: 'Bob' })]], context.when, { whatIf: true });
  assert.equal(whatIf.created, 1);
  assert.equal((await store.pruneChangeRecords({ before: context.when, refreshedThrough: 0 })).records, 0);
  assert.equal(await inner.countMailboxes({}), 1, 'nothing reached the store');
  const [after] = (await inner.resolveIdentities(['Ann'], { wildcards: false })).get('Ann') ?? [];
  assert.equal(after?.PopEnabled, ann.PopEnabled);
});
