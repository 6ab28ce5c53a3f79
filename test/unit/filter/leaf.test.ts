import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../helpers/cli.js';

test('src/filter/ imports nothing outside itself, so it could be published alone', () => {
  const folder = join(ROOT, 'src', 'filter');
  const files = readdirSync(folder).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length > 5, files.join(', '));
  for (const file of files) {
    const source = readFileSync(join(folder, file), 'utf8');
    for (const [, fromClause, dynamic] of source.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'/g)) {
      const specifier = fromClause ?? dynamic ?? '';
      assert.match(specifier, /^\.\/[\w-]+\.js$/, `${file} imports ${specifier}`);
    }
  }
});
