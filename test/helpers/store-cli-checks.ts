/** CLI checks every store's end-to-end suite makes the same way. */
import assert from 'node:assert/strict';
import { json, type CliResult } from './cli.js';

/** The result, after checking that no password of the test's accounts is in its output. */
export function withoutSecrets(result: CliResult, secrets: readonly string[], args: readonly string[]): CliResult {
  for (const secret of secrets) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `a password leaked into the output of ${args.join(' ')}`);
  }
  return result;
}

/** Name, PopEnabled and ImapEnabled of the one mailbox an identity names. */
export async function casMailboxRow(run: (args: string[]) => Promise<CliResult>, identity: string): Promise<Record<string, unknown>> {
  const result = await run(['get-casmailbox', identity, '-o', 'json', '--property', 'Name,PopEnabled,ImapEnabled']);
  assert.equal(result.code, 0, result.stderr);
  const [row] = json(result);
  assert.ok(row);
  return row;
}

/**
 * What every store answers on the sample directory (casctl init --sample): an identity, the
 * article's OU and filter selections, and an ambiguous name; `run` runs casctl against the store.
 */
export async function checkSampleSelections(run: (args: string[]) => Promise<CliResult>): Promise<void> {
  const rand = await run(['get-casmailbox', 'Rand Zaher', '-o', 'json', '--property', 'Name,PopEnabled,ImapEnabled']);
  assert.equal(rand.code, 0, rand.stderr);
  assert.deepEqual(json(rand), [{ Name: 'Rand Zaher', PopEnabled: true, ImapEnabled: true }]);
  const finance = await run(['get-casmailbox', '--organizational-unit', 'North America\\Finance', '--filter', "RecipientTypeDetails -eq 'UserMailbox'", '-o', 'json']);
  assert.equal(finance.code, 0, finance.stderr);
  assert.equal(json(finance).length, 14);
  const engineering = await run(['get-user', '--filter', "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'", '-o', 'id']);
  assert.equal(engineering.code, 0, engineering.stderr);
  assert.equal(engineering.stdout.trim().split('\n').length, 15);
  const ambiguous = await run(['get-casmailbox', 'Chris Green']);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /matches multiple entries/);
}
