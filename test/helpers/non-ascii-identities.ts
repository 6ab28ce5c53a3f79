import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { json, tempDir, type CliResult } from './cli.js';

/**
 * A mailbox whose only names beyond ASCII are its SamAccountName and UPN: a store that searched
 * fewer names for a non-ASCII identity than for an ASCII one would miss it (it once did on SQLite).
 */
export function juergenCsv(): string {
  const csv = join(tempDir(), 'juergen.csv');
  writeFileSync(
    csv,
    'Name,PrimarySmtpAddress,EmailAddresses,SamAccountName,UserPrincipalName\n' +
      'J. Schmidt,j.schmidt@tailspintoys.com,SMTP:j.schmidt@tailspintoys.com;smtp:js.mail@tailspintoys.com,jürgen,jürgen.schmidt@tailspintoys.com\n',
  );
  return csv;
}

/** What get-mailbox finds on every store once juergenCsv() is imported into the sample directory. */
const SELECTIONS: [identity: string, names: string[]][] = [
  ['jür*', ['J. Schmidt']],
  ['JÜR*', ['J. Schmidt']],
  // Only its SamAccountName ends so.
  ['*ÜRGEN', ['J. Schmidt']],
  ['jürgen.schmidt@*', ['J. Schmidt'] /* the UPN */],
  ['js.mail@tailspintoys.*', ['J. Schmidt'] /* an address */],
  ['*.mail@tailspintoys.com', ['J. Schmidt']],
  ['JÜRGEN', ['J. Schmidt']],
  ['TAILSPINTOYS\\JÜRGEN', ['J. Schmidt']],
  ['tailspintoys.com\\jürgen', ['J. Schmidt']],
  ['JÜRGEN.SCHMIDT@TAILSPINTOYS.COM', ['J. Schmidt']],
  ['tailspintoys.com/Users/J. SCHMIDT', ['J. Schmidt']],
  ['jürg', []],
];

/** Runs each selection through get-mailbox (`run` adds the store): the names found, or "couldn't be found". */
export async function checkNonAsciiSelections(run: (args: string[]) => Promise<CliResult>): Promise<void> {
  for (const [identity, expected] of SELECTIONS) {
    const result = await run(['get-mailbox', identity, '-o', 'json', '--property', 'Name']);
    if (expected.length === 0) {
      assert.equal(result.code, 1, `${identity}: ${result.stderr}`);
      assert.match(result.stderr, /couldn't be found/, identity);
    } else {
      assert.equal(result.code, 0, `${identity}: ${result.stderr}`);
      assert.deepEqual(json<{ Name: string }[]>(result).map((row) => row.Name).sort(), expected, identity);
    }
  }
}
