import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testImapLogin } from '../../../src/connectivity/imap.js';
import type { LoginTarget } from '../../../src/connectivity/login-result.js';
import { fakeServer, type Script } from './fake-server.js';

const PASSWORD = 'S3cret-unit-imap';

function target(port: number, overrides: Partial<LoginTarget> = {}): LoginTarget {
  return { host: '127.0.0.1', port, tls: false, user: 'rand.zaher@tailspintoys.com', password: PASSWORD, timeoutMs: 3000, ...overrides };
}

/** A minimal IMAP4rev1 server without AUTH= mechanisms, so the client uses LOGIN. */
function imapLike(accept: boolean): Script {
  return {
    onConnect: (socket) => socket.write('* OK [CAPABILITY IMAP4rev1 LITERAL+] Fake ready.\r\n'),
    onLine: (line, socket) => {
      const [tag, command = ''] = line.split(' ');
      switch (command.toUpperCase()) {
        case 'CAPABILITY':
          socket.write(`* CAPABILITY IMAP4rev1 LITERAL+\r\n${tag} OK Capability completed.\r\n`);
          break;
        case 'LOGIN':
          socket.write(
            accept
              ? `${tag} OK [CAPABILITY IMAP4rev1 LITERAL+ NAMESPACE] Logged in\r\n`
              : `${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`,
          );
          break;
        case 'NAMESPACE':
          socket.write(`* NAMESPACE (("" ".")) NIL NIL\r\n${tag} OK Namespace completed.\r\n`);
          break;
        case 'LOGOUT':
          socket.end(`* BYE Logging out\r\n${tag} OK Logout completed.\r\n`);
          break;
        default:
          socket.write(`${tag} BAD Unknown command.\r\n`);
      }
    },
  };
}

test('IMAP: a successful login reports the tagged answer without its capability list', async () => {
  const server = await fakeServer(imapLike(true));
  try {
    const outcome = await testImapLogin(target(server.port));
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(outcome.response, 'OK Logged in');
    assert.equal(outcome.error, null);
    assert.ok(server.received.some((line) => / LOGIN /.test(line)));
    assert.ok(server.received.some((line) => / LOGOUT$/.test(line)));
  } finally {
    await server.close();
  }
});

test('IMAP: a refused login is a Failure with the server response', async () => {
  const server = await fakeServer(imapLike(false));
  try {
    const outcome = await testImapLogin(target(server.port));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.response, 'NO [AUTHENTICATIONFAILED] Authentication failed.');
    assert.equal(outcome.error, 'login refused');
    assert.ok(!JSON.stringify(outcome).includes(PASSWORD));
  } finally {
    await server.close();
  }
});

test('IMAP: a server that never greets: timed out within the timeout', async () => {
  const server = await fakeServer({});
  try {
    const started = Date.now();
    const outcome = await testImapLogin(target(server.port, { timeoutMs: 400 }));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error, 'timed out');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  } finally {
    await server.close();
  }
});

test('IMAP: a server that greets with BYE is a Failure, not a hang', async () => {
  const server = await fakeServer({ onConnect: (socket) => socket.end('* BYE Too many connections\r\n') });
  try {
    const outcome = await testImapLogin(target(server.port));
    assert.equal(outcome.ok, false);
    assert.notEqual(outcome.error, null);
  } finally {
    await server.close();
  }
});

test('IMAP: a connection dropped before the login is answered is not reported as a refused login', async () => {
  const server = await fakeServer({
    onConnect: (socket) => socket.write('* OK Fake ready.\r\n'),
    onLine: (_line, socket) => socket.destroy(),
  });
  try {
    const outcome = await testImapLogin(target(server.port));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error, 'connection closed by the server');
  } finally {
    await server.close();
  }
});

test('IMAP: a login answered OK is a Success even when the logout never completes', async () => {
  const script = imapLike(true);
  const server = await fakeServer({
    onConnect: script.onConnect,
    onLine: (line, socket) => {
      if (!/ LOGOUT$/i.test(line)) script.onLine?.(line, socket);
    },
  });
  try {
    const outcome = await testImapLogin(target(server.port, { timeoutMs: 500 }));
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(outcome.response, 'OK Logged in');
  } finally {
    await server.close();
  }
});
