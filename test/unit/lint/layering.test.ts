import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Each wrong-way import of DESIGN.md §5 (from a file in the first folder, of a real module in the second). */
const WRONG_WAY: readonly [from: string, specifier: string][] = [
  ['src/filter/probe.ts', '../core/mailbox.js'],
  ['src/filter/probe.ts', '../store/directory-store.js'],
  ['src/core/probe.ts', '../cli/context.js'],
  ['src/core/probe.ts', '../output/writer.js'],
  ['src/core/probe.ts', '../store/sqlite/sqlite-store.js'],
  ['src/store/sqlite/probe.ts', '../ldap/ldap-store.js'],
  ['src/store/ldap/probe.ts', '../../cli/context.js'],
  ['src/store/sqlite/probe.ts', '../../output/writer.js'],
  ['src/store/sqlite/probe.ts', '../../input/identity-file.js'],
  ['src/store/sql/probe.ts', '../sqlite/sqlite-store.js'],
  ['src/store/sql/probe.ts', '../postgres/dialect.js'],
  ['src/store/sql/probe.ts', '../../cli/context.js'],
  ['src/store/postgres/probe.ts', '../ldap/ldap-store.js'],
  ['src/services/probe.ts', '../store/directory-store.js'],
  ['src/connectivity/probe.ts', '../cli/context.js'],
  ['src/output/probe.ts', '../cli/context.js'],
];

const ALLOWED: readonly [from: string, specifier: string][] = [
  ['src/core/probe.ts', '../store/directory-store.js'],
  ['src/store/sqlite/probe.ts', './connection.js'],
  ['src/store/ldap/probe.ts', '../../core/mailbox.js'],
  ['src/cli/probe.ts', '../store/sqlite/sqlite-store.js'],
  ['src/store/postgres/probe.ts', '../sql/sql-store.js'],
  ['src/store/sqlite/probe.ts', '../sql/like-pattern.js'],
  ['src/store/sql/probe.ts', '../directory-store.js'],
];

async function boundaryErrors(from: string, specifier: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(`import type * as probe from '${specifier}';\nexport type Probe = typeof probe;\n`, { filePath: `${root}/${from}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

test('npm run lint refuses every wrong-way import between the layers', async () => {
  for (const [from, specifier] of WRONG_WAY) {
    assert.equal((await boundaryErrors(from, specifier)).length, 1, `${from} importing ${specifier} must be refused`);
  }
});

test('the layering allows the directions DESIGN.md draws', async () => {
  for (const [from, specifier] of ALLOWED) {
    assert.deepEqual(await boundaryErrors(from, specifier), [], `${from} importing ${specifier} must be allowed`);
  }
});
