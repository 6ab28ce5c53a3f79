import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureLine } from '../../../src/output/messages.js';

test("a failure is one casctl: line, its prefix red only when colour is on, the message's own line breaks kept", () => {
  assert.equal(failureLine("unknown command 'x'", false), "casctl: unknown command 'x'\n");
  assert.equal(failureLine("unknown command 'x'", true), "\x1b[31mcasctl:\x1b[39m unknown command 'x'\n");
  assert.equal(failureLine("Invalid filter\n  Nmae -eq 'x'\n  ^^^^", false), "casctl: Invalid filter\n  Nmae -eq 'x'\n  ^^^^\n");
});

test('what a failure quotes never drives the terminal', () => {
  assert.equal(failureLine("unknown option '--\x1b[2Jx'", true), "\x1b[31mcasctl:\x1b[39m unknown option '--\\x1b[2Jx'\n");
});
