import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS } from '../../../src/core/protocols.js';
import { ENABLED_COLUMN, USE_DEFAULTS_COLUMN } from '../../../src/store/sql/casctl-columns.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';

test("every protocol's columns exist once the migrations ran: boolean, on by default", () => {
  const db = new Database(':memory:');
  try {
    for (const migration of MIGRATIONS) db.exec(migration);
    const columns = new Map(db.prepare<[], { name: string; notnull: number; dflt_value: string | null }>('PRAGMA table_info(mailboxes)').all().map((c) => [c.name, c]));
    const named = [
      ...PROTOCOLS.map((p) => [p.name, ENABLED_COLUMN[p.name]] as const),
      ...USE_DEFAULTS_PROTOCOLS.map((p) => [p.name, USE_DEFAULTS_COLUMN[p.name]] as const),
    ];
    for (const [protocol, name] of named) {
      const column = columns.get(name);
      assert.ok(column !== undefined, `${protocol}: no column ${name}`);
      assert.equal(column.notnull, 1, name);
      assert.equal(column.dflt_value, '1', name);
    }
    assert.equal(new Set(named.map(([, name]) => name)).size, PROTOCOLS.length + USE_DEFAULTS_PROTOCOLS.length);
  } finally {
    db.close();
  }
});
