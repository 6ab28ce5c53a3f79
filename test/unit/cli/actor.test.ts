import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { currentActor } from '../../../src/cli/actor.js';

test('the actor is this host and OS user, with the sudo user from SUDO_USER', () => {
  const plain = currentActor({});
  assert.equal(plain.host, hostname());
  assert.ok(plain.osUser.length > 0);
  assert.equal(plain.sudoUser, null);
  assert.equal(currentActor({ SUDO_USER: 'alice' }).sudoUser, 'alice');
});
