import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { MAILBOX_FILTER_SCHEMA } from '../../src/core/properties.js';
import { CAS_MAILBOX_VIEW } from '../../src/output/mailbox-output.js';
import { casctl, sampleStore, STORE_KINDS, tempDir } from '../helpers/cli.js';

/** Mailboxes whose names are beyond ASCII, added to the sample directory. */
function accentedCsv(): string {
  const csv = join(tempDir(), 'accented.csv');
  writeFileSync(
    csv,
    'Name,PrimarySmtpAddress,OrganizationalUnit\n' +
      'José García,jose.garcia@tailspintoys.com,tailspintoys.com/Europe/Zürich\n' +
      'Zoë Ångström,zoe.angstrom@tailspintoys.com,tailspintoys.com/Europe/Zürich\n',
  );
  return csv;
}

/** stderr, a line each. */
function errorLines(stderr: string): string[] {
  return stderr.trim().split('\n');
}

for (const kind of STORE_KINDS) {
  describe(`did you mean, on ${kind}`, () => {
    let store = '';
    before(async () => {
      store = await sampleStore(kind);
      const imported = await casctl(['import', accentedCsv()], { store });
      assert.equal(imported.code, 0, imported.stderr);
    });

    test("an identity that names nothing: Exchange's message, then the closest names with their addresses", async () => {
      const result = await casctl(['get-mailbox', 'jose garcia', 'garcia jose', 'rzaher@tailspintoy.com', 'paula garcía', 'zoe angstrom', 'nobody'], { store });
      assert.equal(result.code, 1);
      const lines = errorLines(result.stderr);
      const notFound = (identity: string): string => `The operation couldn't be performed because object '${identity}' couldn't be found on '`;
      assert.deepEqual(lines.map((line) => line.replace(/ on '[^']+'\./, " on '<store>'.")), [
        `ERROR: ${notFound('jose garcia')}<store>'. Did you mean 'José García' <jose.garcia@tailspintoys.com>?`,
        `ERROR: ${notFound('garcia jose')}<store>'. Did you mean 'José García' <jose.garcia@tailspintoys.com>?`,
        `ERROR: ${notFound('rzaher@tailspintoy.com')}<store>'. Did you mean 'Rand Zaher' <rand.zaher@tailspintoys.com>?`,
        `ERROR: ${notFound('paula garcía')}<store>'. Did you mean 'Paula Garcia' <paula.garcia@tailspintoys.com>?`,
        `ERROR: ${notFound('zoe angstrom')}<store>'. Did you mean 'Zoë Ångström' <zoe.angstrom@tailspintoys.com>?`,
        `ERROR: ${notFound('nobody')}<store>'.`,
      ]);
    });

    test('an unknown OU: the closest OUs by canonical name, accents folded', async () => {
      const finance = await casctl(['get-mailbox', '--organizational-unit', 'North America\\Finanse'], { store });
      assert.equal(finance.code, 2);
      assert.match(finance.stderr, /^casctl: The organizational unit 'North America\\Finanse' couldn't be found on '[^']+'\. Did you mean 'tailspintoys\.com\/North America\/Finance'\?\n$/);
      const zurich = await casctl(['get-mailbox', '--organizational-unit', 'Europe/Zurich'], { store });
      assert.match(zurich.stderr, /Did you mean 'tailspintoys\.com\/Europe\/Zürich'\?/);
      const listed = await casctl(['get-organizationalunit', 'Zurich'], { store });
      assert.equal(listed.code, 1);
      assert.match(listed.stderr, /'Zurich' couldn't be found on '[^']+'\. Did you mean 'tailspintoys\.com\/Europe\/Zürich'\?/);
      const none = await casctl(['get-mailbox', '--organizational-unit', 'Narnia'], { store });
      assert.match(none.stderr, /'Narnia' couldn't be found on '[^']+'\. `casctl get-organizationalunit` lists them\.\n$/);
    });

    test('--property: the guess and a short list, never every property', async () => {
      const result = await casctl(['get-casmailbox', 'rzaher', '--property', 'Name,Departmnet'], { store });
      assert.equal(result.code, 2);
      assert.equal(
        result.stderr,
        `casctl: Unknown property 'Departmnet' in --property. Did you mean 'Department'? Properties: Department, Name, Company, DisplayName, Identity … and ${CAS_MAILBOX_VIEW.properties.length - 5} more; \`--property '*' -o list\` shows them all.\n`,
      );
      const filter = await casctl(['get-casmailbox', '--filter', "Departmnet -eq 'Sales'"], { store });
      const [first] = errorLines(filter.stderr);
      assert.match(first ?? '', /Did you mean 'Department'\? Filterable properties: Department, .* … and (\d+) more;/);
      assert.equal(Number(/and (\d+) more/.exec(first ?? '')?.[1]), MAILBOX_FILTER_SCHEMA.properties.length - 5);
      assert.ok((first ?? '').length < 300, first);
    });
  });
}

test("import: an unknown column gets a guess, and the known columns a short list", async () => {
  const csv = join(tempDir(), 'typo.csv');
  writeFileSync(csv, 'PrimarySmtpAddress,Departmnet,Tïtle,Frobnicate\na@example.com,Sales,Boss,x\n');
  const store = join(tempDir(), 'typo.db');
  assert.equal((await casctl(['init', '--store', store])).code, 0);
  const result = await casctl(['import', csv, '--store', store]);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^casctl: .*Line 1: unknown columns 'Departmnet' \(did you mean 'Department'\?\), 'Tïtle' \(did you mean 'Title'\?\), 'Frobnicate'\. Known columns: Department, [\w, ]+ … and \d+ more; the README's "CSV import format" lists them\.\n$/,
  );
  assert.ok(result.stderr.length < 400, result.stderr);
});
