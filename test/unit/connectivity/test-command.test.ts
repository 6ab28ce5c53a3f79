import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConnectionError, redact } from '../../../src/connectivity/login-result.js';
import { planConnectivityTest, toResult, type ConnectivityOptions } from '../../../src/connectivity/test-command.js';
import { UsageError } from '../../../src/core/errors.js';

const options = (extra: Partial<ConnectivityOptions> = {}): ConnectivityOptions => ({ output: 'table', ...extra });

test('defaults: 127.0.0.1, ports 143 / 110, 993 / 995 with --tls, 10 s', () => {
  assert.deepEqual(planConnectivityTest('IMAP4', options(), ['rand.zaher@tailspintoys.com']), {
    protocol: 'IMAP4', host: '127.0.0.1', port: 143, tls: false, user: 'rand.zaher@tailspintoys.com', timeoutMs: 10_000,
  });
  assert.equal(planConnectivityTest('POP3', options(), ['x@y']).port, 110);
  assert.equal(planConnectivityTest('IMAP4', options({ tls: true }), ['x@y']).port, 993);
  assert.equal(planConnectivityTest('POP3', options({ tls: true }), ['x@y']).port, 995);
  assert.equal(planConnectivityTest('POP3', options({ tls: true, port: '10995' }), ['x@y']).port, 10995);
});

test('the login name is what was given, lower-cased, positional or --identity', () => {
  assert.equal(planConnectivityTest('IMAP4', options(), ['Rand.Zaher@TailspinToys.com']).user, 'rand.zaher@tailspintoys.com');
  assert.equal(planConnectivityTest('IMAP4', options({ identity: 'RZaher@tailspintoys.com' }), []).user, 'rzaher@tailspintoys.com');
  // The same name twice is one mailbox.
  assert.equal(planConnectivityTest('IMAP4', options({ identity: 'a@b' }), ['A@B']).user, 'a@b');
});

test('usage errors: no mailbox, two mailboxes, bad names, ports and timeouts', () => {
  const bad: [ConnectivityOptions, string[], RegExp][] = [
    [options(), [], /Name the mailbox/],
    [options(), ['a@b', 'c@d'], /One mailbox at a time/],
    [options({ identity: 'c@d' }), ['a@b'], /One mailbox at a time/],
    [options(), ['rand zaher'], /not a login name/],
    [options(), ['a@b\r\nDELE 1'], /not a login name/],
    [options({ port: '0' }), ['a@b'], /--port/],
    [options({ port: '65536' }), ['a@b'], /--port/],
    [options({ port: '143x' }), ['a@b'], /--port/],
    [options({ timeout: '0' }), ['a@b'], /--timeout/],
    [options({ timeout: 'soon' }), ['a@b'], /--timeout/],
    [options({ server: 'mail host' }), ['a@b'], /--server/],
  ];
  for (const [given, args, message] of bad) {
    assert.throws(() => planConnectivityTest('IMAP4', given, args), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
  assert.equal(planConnectivityTest('IMAP4', options({ timeout: '2.5' }), ['a@b']).timeoutMs, 2500);
});

test('the result object: Exchange-like property names in a fixed order', () => {
  const plan = planConnectivityTest('POP3', options({ port: '10110' }), ['a@b']);
  const result = toResult(plan, { ok: false, response: '-ERR [AUTH] Authentication failed.', error: 'login refused', latencyMs: 12 });
  assert.deepEqual(Object.entries(result), [
    ['Protocol', 'POP3'],
    ['Server', '127.0.0.1'],
    ['Port', 10110],
    ['Mailbox', 'a@b'],
    ['Result', 'Failure'],
    ['Response', '-ERR [AUTH] Authentication failed.'],
    ['Latency', 12],
    ['Error', 'login refused'],
  ]);
});

test('connection errors become short reasons without the password', () => {
  const error = (code: string, message = code): Error => Object.assign(new Error(message), { code });
  assert.equal(describeConnectionError(error('ECONNREFUSED'), 'pw'), 'connection refused');
  assert.equal(describeConnectionError(error('ENOTFOUND'), 'pw'), 'host not found');
  assert.equal(describeConnectionError(error('ETIMEDOUT'), 'pw'), 'timed out');
  assert.equal(describeConnectionError(error('GREETING_TIMEOUT'), 'pw'), 'timed out');
  assert.match(describeConnectionError(error('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'), 'pw'), /^TLS handshake failed/);
  assert.equal(describeConnectionError(error('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'pw'), 'TLS: self-signed certificate');
  assert.equal(describeConnectionError(new Error('odd failure mentioning hunter2'), 'hunter2'), 'odd failure mentioning ********');
  assert.equal(redact('a pw b pw', 'pw'), 'a ******** b ********');
  assert.equal(redact('unchanged', ''), 'unchanged');
});
