import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CommandContext } from '../../../src/cli/context.js';
import { configFor } from '../../../src/cli/open.js';
import { NO_TERMINAL } from '../../helpers/fake-terminal.js';

function contextIn(cwd: string): CommandContext {
  return {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    cwd,
    now: () => new Date('2026-03-01T10:00:00Z'),
    argv: [],
    actor: { osUser: 'casadmin', sudoUser: null, host: 'admin1.example.org' },
    terminal: NO_TERMINAL,
  };
}

test('a command run reads its config once: the store, the services and its own settings see the same file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'casctl-config-once-'));
  try {
    const path = join(dir, 'casctl.config.json');
    writeFileSync(path, JSON.stringify({ store: 'first.db', timeZone: 'local' }), { mode: 0o600 });
    const context = contextIn(dir);
    const first = await configFor(context, { config: path });
    writeFileSync(path, JSON.stringify({ store: 'second.db' }), { mode: 0o600 });
    assert.equal(await configFor(context, { config: path }), first, 'the same run: the config as first read');
    const next = await configFor(contextIn(dir), { config: path });
    assert.notEqual(next, first, 'the next run reads the file again');
    assert.equal(next.timeZone, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
