import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { LoginTarget } from '../../../src/connectivity/login-result.js';
import { testPop3Login } from '../../../src/connectivity/pop3.js';
import { fakeServer, type Script } from './fake-server.js';

const PASSWORD = 'S3cret-unit-pop3';

function target(port: number, overrides: Partial<LoginTarget> = {}): LoginTarget {
  return { host: '127.0.0.1', port, tls: false, user: 'rand.zaher@tailspintoys.com', password: PASSWORD, timeoutMs: 2000, ...overrides };
}

/** Dovecot's replies; `password` is the one it accepts. */
function dovecotLike(password = PASSWORD): Script {
  return {
    onConnect: (socket) => socket.write('+OK Dovecot (Debian) ready.\r\n'),
    onLine: (line, socket) => {
      if (line.startsWith('USER ')) socket.write('+OK\r\n');
      else if (line.startsWith('PASS ')) socket.write(line === `PASS ${password}` ? '+OK Logged in.\r\n' : '-ERR [AUTH] Authentication failed.\r\n');
      else if (line === 'QUIT') socket.end('+OK Logging out.\r\n');
      else socket.write('-ERR Unknown command.\r\n');
    },
  };
}

test('logs in with USER/PASS, quits, reports the answer to PASS', async () => {
  const server = await fakeServer(dovecotLike());
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.equal(outcome.ok, true);
    assert.equal(outcome.response, '+OK Logged in.');
    assert.equal(outcome.error, null);
    assert.ok(Number.isInteger(outcome.latencyMs) && outcome.latencyMs >= 0);
    assert.deepEqual(server.received, ['USER rand.zaher@tailspintoys.com', `PASS ${PASSWORD}`, 'QUIT']);
  } finally {
    await server.close();
  }
});

test('a refused password: Failure, login refused, the -ERR line as the response', async () => {
  const server = await fakeServer(dovecotLike('other'));
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.deepEqual({ ...outcome, latencyMs: 0 }, { ok: false, response: '-ERR [AUTH] Authentication failed.', error: 'login refused', latencyMs: 0 });
    // No QUIT is needed after a failure, the connection is simply closed.
    assert.deepEqual(server.received.slice(0, 2), ['USER rand.zaher@tailspintoys.com', `PASS ${PASSWORD}`]);
  } finally {
    await server.close();
  }
});

test('a refused USER stops before the password is sent', async () => {
  const server = await fakeServer({
    onConnect: (socket) => socket.write('+OK ready\r\n'),
    onLine: (_line, socket) => socket.write('-ERR [SYS/PERM] no such user here\r\n'),
  });
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.response, '-ERR [SYS/PERM] no such user here');
    assert.equal(outcome.error, 'login refused');
    assert.deepEqual(server.received, ['USER rand.zaher@tailspintoys.com']);
  } finally {
    await server.close();
  }
});

test('an -ERR greeting is a Failure with that greeting as the response', async () => {
  const server = await fakeServer({ onConnect: (socket) => socket.end('-ERR [SYS/TEMP] Too many connections\r\n') });
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.response, '-ERR [SYS/TEMP] Too many connections');
    assert.equal(outcome.error, 'the server refused the connection');
    assert.deepEqual(server.received, []);
  } finally {
    await server.close();
  }
});

test('LF-only line endings and a greeting split over packets are read', async () => {
  const server = await fakeServer({
    onConnect: (socket) => {
      socket.write('+OK rea');
      setTimeout(() => socket.write('dy\n'), 20);
    },
    onLine: (line, socket) => socket.write(line.startsWith('PASS') ? '+OK Logged in.\n' : '+OK\n'),
  });
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.equal(outcome.ok, true);
    assert.equal(outcome.response, '+OK Logged in.');
  } finally {
    await server.close();
  }
});

test('a success does not wait for a QUIT answer that never comes', async () => {
  const server = await fakeServer({
    onConnect: (socket) => socket.write('+OK ready\r\n'),
    onLine: (line, socket) => {
      if (line !== 'QUIT') socket.write(line.startsWith('PASS') ? '+OK Logged in.\r\n' : '+OK\r\n');
    },
  });
  try {
    const started = Date.now();
    const outcome = await testPop3Login(target(server.port, { timeoutMs: 5000 }));
    assert.equal(outcome.ok, true);
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  } finally {
    await server.close();
  }
});

test('a server that closes after the greeting: Failure, connection closed', async () => {
  const server = await fakeServer({
    onConnect: (socket) => socket.write('+OK ready\r\n'),
    onLine: (_line, socket) => socket.destroy(),
  });
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error, 'connection closed by the server');
    assert.equal(outcome.response, '+OK ready');
  } finally {
    await server.close();
  }
});

test('a server that never greets: Failure, timed out, within the timeout', async () => {
  const server = await fakeServer({});
  try {
    const started = Date.now();
    const outcome = await testPop3Login(target(server.port, { timeoutMs: 300 }));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error, 'timed out');
    assert.equal(outcome.response, null);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  } finally {
    await server.close();
  }
});

test('a server that stalls after USER: timed out, the last line it sent as the response', async () => {
  const server = await fakeServer({ onConnect: (socket) => socket.write('+OK ready\r\n') });
  try {
    const outcome = await testPop3Login(target(server.port, { timeoutMs: 300 }));
    assert.equal(outcome.error, 'timed out');
    assert.equal(outcome.response, '+OK ready');
  } finally {
    await server.close();
  }
});

test('a closed port: connection refused', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const outcome = await testPop3Login(target(port));
  assert.deepEqual({ ...outcome, latencyMs: 0 }, { ok: false, response: null, error: 'connection refused', latencyMs: 0 });
});

test('TLS against a plain-text server fails the handshake instead of hanging', async () => {
  const server = await fakeServer(dovecotLike());
  try {
    const outcome = await testPop3Login(target(server.port, { tls: true }));
    assert.equal(outcome.ok, false);
    assert.match(outcome.error ?? '', /TLS/);
  } finally {
    await server.close();
  }
});

test('a line break in the login name or password is never sent', async () => {
  const server = await fakeServer(dovecotLike());
  try {
    const outcome = await testPop3Login(target(server.port, { password: 'a\r\nDELE 1' }));
    assert.equal(outcome.ok, false);
    assert.match(outcome.error ?? '', /line break/);
    assert.deepEqual(server.received, []);
  } finally {
    await server.close();
  }
});

test('the password never appears in a response, even if a server echoes it', async () => {
  const server = await fakeServer({
    onConnect: (socket) => socket.write('+OK ready\r\n'),
    onLine: (line, socket) => socket.write(line.startsWith('PASS ') ? `-ERR bad password ${line.slice(5)}\r\n` : '+OK\r\n'),
  });
  try {
    const outcome = await testPop3Login(target(server.port));
    assert.equal(outcome.ok, false);
    assert.ok(!JSON.stringify(outcome).includes(PASSWORD), JSON.stringify(outcome));
    assert.equal(outcome.response, '-ERR bad password ********');
  } finally {
    await server.close();
  }
});
