import assert from 'node:assert/strict';
import { test } from 'node:test';
import { administratorWarning } from '../../../src/cli/commands/import.js';
import { PlanReport } from '../../../src/cli/plan-report.js';
import { ADMINISTRATOR_REFUSED } from '../../../src/core/administrator.js';
import { protocolList } from '../../../src/core/protocols.js';
import { Messages } from '../../../src/output/messages.js';
import { capture } from '../../helpers/capture.js';

// The messages name the protocols the Administrator rule covers, from the registry, and no others.
const refusedOr = protocolList('or', ADMINISTRATOR_REFUSED);

test("the import's Administrator warning names exactly the refused protocols", () => {
  assert.equal(refusedOr, 'POP3 or IMAP4');
  assert.equal(
    administratorWarning('a.csv', { Name: 'Administrator', PrimarySmtpAddress: 'administrator@x.y', Line: 2 }),
    `a.csv:2: The Administrator mailbox Administrator <administrator@x.y> never uses ${refusedOr}: ` +
      `it is stored with ${protocolList('and', ADMINISTRATOR_REFUSED)} disabled, whatever the file says.`,
  );
});

test("a plan's refused item names exactly the refused protocols", () => {
  const stderr = capture();
  const plan = new PlanReport(new Messages(stderr, false), { output: 'table' });
  plan.add({ Guid: 'g', Name: 'Administrator', PrimarySmtpAddress: 'a@x.y', namedAs: undefined, status: 'refused', changes: [] });
  assert.equal(stderr.text(), `WARNING: The Administrator mailbox 'Administrator' can't be enabled for ${refusedOr}. It was skipped.\n`);
});
