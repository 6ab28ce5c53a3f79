import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { PROTOCOLS } from '../../../src/core/protocols.js';
import { ENABLED_COLUMN, USE_DEFAULTS_COLUMN } from '../../../src/store/sqlite/schema.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';

test("every protocol's columns exist once the migrations ran: boolean, on by default", () => {
  const db = new Database(':memory:');
  try {
    for (const migration of MIGRATIONS) db.exec(migration);
    const columns = new Map(db.prepare<[], { name: string; notnull: number; dflt_value: string | null }>('PRAGMA table_info(mailboxes)').all().map((c) => [c.name, c]));
    for (const protocol of PROTOCOLS) {
      for (const name of [ENABLED_COLUMN[protocol.name], USE_DEFAULTS_COLUMN[protocol.name]]) {
        const column = columns.get(name);
        assert.ok(column !== undefined, `${protocol.name}: no column ${name}`);
        assert.equal(column.notnull, 1, name);
        assert.equal(column.dflt_value, '1', name);
      }
    }
    assert.equal(new Set(PROTOCOLS.flatMap((p) => [ENABLED_COLUMN[p.name], USE_DEFAULTS_COLUMN[p.name]])).size, PROTOCOLS.length * 2);
  } finally {
    db.close();
  }
});
