import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { countIdentities } from '../../../src/input/identity-count.js';
import { FIXTURES, tempDir } from '../../helpers/cli.js';

test('an identity file holds as many identities as its reader reads: blank and comment lines left out, any encoding', async () => {
  const dir = tempDir();
  const path = join(dir, 'ids.txt');
  writeFileSync(path, '# Finance\nalice@example.org\n\n  bob@example.org  \r\ncarol@example.org');
  assert.equal(await countIdentities(path), 3);
  const utf16 = join(dir, 'ids-utf16.txt');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('alice\r\nbob\r\n', 'utf16le')]));
  assert.equal(await countIdentities(utf16), 2);
  assert.equal(await countIdentities(join(FIXTURES, 'identity-files', 'accounts-utf16be.txt')), await countIdentities(join(FIXTURES, 'identity-files', 'accounts-utf16le.txt')));
});

test('no count for a JSON array (its items are the identities) nor for a file that cannot be read', async () => {
  const dir = tempDir();
  const json = join(dir, 'mailboxes.json');
  writeFileSync(json, '[\n  {"Guid": "a"},\n  {"Guid": "b"}\n]\n');
  assert.equal(await countIdentities(json), undefined);
  assert.equal(await countIdentities(join(dir, 'missing.txt')), undefined);
});
