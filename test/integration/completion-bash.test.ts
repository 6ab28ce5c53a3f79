import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { casctl, sampleStore, tempDir } from '../helpers/cli.js';
import { slapdSkipReason } from '../helpers/slapd.js';
import { bashComplete, bashRegistration, readlineComplete, sourced } from '../helpers/completion/bash-complete.js';
import { awkwardOuStore, BASH_COMPLETION, completionEnv, completionScript, shellSkipReason } from '../helpers/completion/shells.js';

/** A TCP server on 127.0.0.1 that accepts every connection and never answers: an LDAP server that hangs. */
async function silentServer(): Promise<{ server: Server; port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    server,
    port: address.port,
    connections: () => sockets.length,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let script: string;
let store: string;
let awkward: string;
const env = completionEnv();
const complete = (...words: string[]): string[] => bashComplete(script, ['casctl', ...words], env);

before(async () => {
  script = await completionScript('bash');
  store = await sampleStore();
  awkward = await awkwardOuStore();
});

describe('casctl completion bash', () => {
  test('registers a completion function for casctl', () => {
    for (const load of ['source "$SCRIPT"', 'source <(casctl completion bash)']) assert.equal(bashRegistration(load, script, env), 'complete -F _casctl casctl', load);
  });

  test('commands in both spellings', () => {
    assert.deepEqual(complete('get-cas'), ['get-casmailbox', 'get-casmailboxplan']);
    assert.deepEqual(complete('Get-CAS'), ['Get-CASMailbox', 'Get-CASMailboxPlan']);
    assert.deepEqual(complete('--store', store, 'Set-'), ['Set-CASMailbox', 'Set-CASMailboxPlan', 'Set-TransportConfig']);
    assert.ok(complete('').includes('completion'));
  });

  test("a command's options, long and short, and the program's own", () => {
    assert.deepEqual(complete('get-casmailbox', '--o'), ['--organizational-unit', '--output']);
    assert.deepEqual(complete('Set-CASMailbox', '--pop'), ['--pop-enabled']);
    assert.deepEqual(complete('get-casmailbox', '--st'), ['--store']);
    assert.ok(complete('set-casmailbox', '-').includes('-y'));
    assert.deepEqual(complete('--con'), ['--config']);
  });

  test('-o offers the formats of the command', () => {
    assert.deepEqual(complete('get-casmailbox', '-o', ''), ['table', 'list', 'json', 'ndjson', 'csv', 'id']);
    assert.deepEqual(complete('audit', 'policy.yaml', '--output', ''), ['table', 'json', 'csv', 'junit', 'ndjson']);
    assert.deepEqual(complete('set-casmailbox', 'x', '-o', ''), ['table', 'json', 'ndjson']);
    assert.deepEqual(complete('set-casmailboxplan', '--output', '=', 'j'), ['json']);
    assert.deepEqual(complete('get-transportconfig', '-o', 'i'), []);
  });

  test('booleans, quoted so the shell keeps the $, and $null where the setting may be $null', () => {
    assert.deepEqual(complete('set-casmailbox', 'x', '--pop-enabled', ''), ['true', 'false', '\\$true', '\\$false']);
    assert.deepEqual(complete('set-casmailbox', 'x', '--smtp-client-authentication-disabled', '\\$n'), ['\\$null']);
    assert.deepEqual(complete('set-transportconfig', '--smtp-client-authentication-disabled', '$'), ['\\$true', '\\$false']);
    assert.deepEqual(readlineComplete(sourced(script), "casctl set-casmailbox x --imap-enabled \\$f", env), 'casctl set-casmailbox x --imap-enabled \\$false ');
  });

  test('the Exchange spelling of an option and its value: -OrganizationalUnit, -PopEnabled $false, -PopEnabled:$false', () => {
    assert.deepEqual(complete('Set-CASMailbox', 'x', '-PopEnabled', '$f'), ['\\$false']);
    assert.deepEqual(complete('Set-CASMailbox', 'x', '-SmtpClientAuthenticationDisabled', ':', '$n'), ['\\$null']);
    assert.deepEqual(complete('-Store', store, 'Get-CASMailbox', '-OrganizationalUnit', 'North\\ America\\\\F'), ['North\\ America\\\\Finance']);
    assert.equal(readlineComplete(sourced(script), 'casctl Set-CASMailbox x -ImapEnabled:$f', env), 'casctl Set-CASMailbox x -ImapEnabled:\\$false ');
  });

  test('a store URL with a scheme, which bash splits at its colons, is passed on whole', () => {
    const url = `sqlite:${store}`;
    assert.deepEqual(complete('--store', url.split(':')[0] ?? '', ':', store, 'get-organizationalunit', 'IT'), ['IT']);
    assert.equal(readlineComplete(sourced(script), `casctl --store ${url} get-casmailbox --organizational-unit Reso`, env), `casctl --store ${url} get-casmailbox --organizational-unit Resources `);
  });

  test('service names, Dovecot versions and files', () => {
    assert.deepEqual(complete('get-service', 'MSExchangeI'), ['MSExchangeIMAP4', 'MSExchangeIMAP4BE']);
    assert.deepEqual(complete('restart-service', 'pop3', 'imap'), ['imap4', 'imap4be']);
    assert.deepEqual(complete('get-dovecotconfig', '--dovecot-version', ''), ['2.3', '2.4']);
    const dir = tempDir();
    writeFileSync(join(dir, 'policy.yaml'), 'rules: []\n');
    assert.deepEqual(complete('audit', join(dir, 'pol')), [join(dir, 'policy.yaml')]);
    assert.deepEqual(complete('import', join(dir, 'pol')), [join(dir, 'policy.yaml')]);
  });

  test("OU names from the store, from --store, --store= and CASCTL_STORE, quoted for bash", () => {
    assert.deepEqual(complete('--store', store, 'get-organizationalunit', 'North\\ America\\\\F'), ['North\\ America\\\\Finance']);
    assert.deepEqual(complete('--store', '=', store, 'get-casmailbox', '--organizational-unit', 'tailspintoys.com/Eu'), [
      'tailspintoys.com/Europe',
      'tailspintoys.com/Europe/Engineering',
      'tailspintoys.com/Europe/Sales',
    ]);
    // In an open quote, the names as they are: readline closes the quote.
    assert.deepEqual(bashComplete(script, ['casctl', 'get-casmailbox', '--organizational-unit', "'North America\\E"], { ...env, CASCTL_STORE: store }), ['North America\\Engineering', 'North America\\Engineering\\Platform']);
    assert.deepEqual(complete('--store', store, 'set-casmailboxplan', 'D'), ['Default']);
    assert.deepEqual(complete('--store', store, 'Get-CASMailboxPlan', 'As'), ['Asia\\ Pacific', 'Asia\\ Pacific\\\\Support']);
  });

  test('in a real readline, an OU name is inserted as bash reads it back', () => {
    const typed = `casctl --store ${store} get-organizationalunit North\\ America\\\\Fi`;
    assert.equal(readlineComplete(sourced(script), typed, env), `casctl --store ${store} get-organizationalunit North\\ America\\\\Finance `);
    const quoted = `casctl --store ${store} get-casmailbox --organizational-unit 'North America\\Fi`;
    assert.equal(readlineComplete(sourced(script), quoted, env), `casctl --store ${store} get-casmailbox --organizational-unit 'North America\\Finance' `);
  });

  test('OU names with unicode, quotes and a $ come out as bash reads them back, unquoted, in single and in double quotes', () => {
    assert.deepEqual(complete('--store', awkward, 'get-organizationalunit', 'Z'), ['Zürich\\ Büro']);
    assert.deepEqual(complete('--store', awkward, 'get-organizationalunit', 'O'), [`O\\'Neil\\ \\"Ops\\"\\ \\$HOME`]);
    assert.deepEqual(complete('--store', awkward, 'get-organizationalunit', '"O'), [`O'Neil \\"Ops\\" \\$HOME`]);
    const line = `casctl --store ${awkward} get-casmailbox --organizational-unit`;
    assert.equal(readlineComplete(sourced(script), `${line} Europe\\\\Z`, env), `${line} Europe\\\\Zürich\\ Büro `);
    assert.equal(readlineComplete(sourced(script), `${line} "O`, env), `${line} "O'Neil \\"Ops\\" \\$HOME" `);
    assert.equal(readlineComplete(sourced(script), `${line} 'O`, env), `${line} 'O'\\''Neil "Ops" $HOME' `);
  });

  test('a store that never answers costs the completion at most the deadline, and shows nothing', async () => {
    const silent = await silentServer();
    try {
      const url = `ldap://127.0.0.1:${silent.port}/dc=tailspintoys,dc=com`;
      let started = Date.now();
      const result = await casctl(['--store', url, '__complete-ou']);
      const helperMs = Date.now() - started;
      assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', '']);
      assert.ok(helperMs < 1500, `the helper took ${helperMs} ms`);
      // Given longer, it connects and waits for an answer until its deadline, then still shows nothing.
      started = Date.now();
      const patient = await casctl(['--store', url, '__complete-ou'], { env: { CASCTL_COMPLETION_DEADLINE_MS: '2000' } });
      const patientMs = Date.now() - started;
      assert.deepEqual([patient.code, patient.stdout], [0, '']);
      assert.ok(patientMs >= 2000 && patientMs < 3500, `the helper took ${patientMs} ms`);
      assert.ok(silent.connections() > 0, 'the helper never tried the store');
      started = Date.now();
      const { CASCTL_COMPLETION_DEADLINE_MS: _longer, ...defaultDeadline } = env;
      assert.deepEqual(bashComplete(script, ['casctl', '--store', url, 'get-casmailbox', '--organizational-unit', ''], defaultDeadline), []);
      const completionMs = Date.now() - started;
      assert.ok(completionMs < 1500, `the completion took ${completionMs} ms`);
    } finally {
      await silent.close();
    }
  });

  test('printing the script opens no store', async () => {
    const silent = await silentServer();
    try {
      const result = await casctl(['completion', 'bash'], { env: { CASCTL_STORE: `ldap://127.0.0.1:${silent.port}/dc=tailspintoys,dc=com` } });
      assert.equal(result.code, 0);
      assert.equal(silent.connections(), 0);
    } finally {
      await silent.close();
    }
  });

  test('an unknown shell is a usage error', async () => {
    const result = await casctl(['completion', 'tcsh']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /completion takes bash, zsh, fish, not 'tcsh'/);
  });
});

describe('casctl completion bash with bash-completion loaded', { skip: shellSkipReason('bash-completion') }, () => {
  const withPackage = (...words: string[]): string[] => bashComplete(script, ['casctl', ...words], env, BASH_COMPLETION);

  test('completes the same', () => {
    assert.deepEqual(withPackage('Get-CAS'), ['Get-CASMailbox', 'Get-CASMailboxPlan']);
    assert.deepEqual(withPackage('get-casmailbox', '-o', 'nd'), ['ndjson']);
    assert.deepEqual(withPackage('--store', store, 'get-organizationalunit', 'North\\ America\\\\S'), ['North\\ America\\\\Sales']);
  });

  test("installed where bash-completion's loader finds it, it is loaded at the first TAB and completes", () => {
    const data = tempDir();
    mkdirSync(join(data, 'bash-completion', 'completions'), { recursive: true });
    copyFileSync(script, join(data, 'bash-completion', 'completions', 'casctl'));
    const line = `casctl --store ${store} Get-OrganizationalUnit North\\ America\\\\Fi`;
    assert.equal(readlineComplete(`source ${BASH_COMPLETION}`, line, { ...env, XDG_DATA_HOME: data }), `casctl --store ${store} Get-OrganizationalUnit North\\ America\\\\Finance `);
  });
});

test("the helper lists an LDAP store's OUs, with CASCTL_STORE and the bind account from the environment", { skip: slapdSkipReason() }, async () => {
  const ldap = await sampleStore('ldap');
  const result = await casctl(['__complete-ou'], { store: ldap, env: { CASCTL_COMPLETION_DEADLINE_MS: '10000' } });
  assert.equal(result.code, 0, result.stderr);
  const names = result.stdout.split('\n');
  for (const name of ['North America', 'North America\\Finance', 'tailspintoys.com/North America/Engineering/Platform']) assert.ok(names.includes(name), name);
});
