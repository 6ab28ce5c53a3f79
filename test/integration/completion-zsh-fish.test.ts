import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { sampleStore } from '../helpers/cli.js';
import { awkwardOuStore, completionEnv, completionScript, shellSkipReason } from '../helpers/completion/shells.js';
import { fishComplete, zshComplete, zshLoad } from '../helpers/completion/zsh-fish-complete.js';

const env = completionEnv();
let store: string;
let awkward: string;
before(async () => {
  store = await sampleStore();
  awkward = await awkwardOuStore();
});

describe('casctl completion zsh', { skip: shellSkipReason('zsh') }, () => {
  let script: string;
  before(async () => {
    script = await completionScript('zsh');
  });

  test('loads without a word on stderr, sourced and from fpath, and registers _casctl for casctl', () => {
    for (const mode of ['source', 'source <()', 'fpath'] as const) assert.deepEqual(zshLoad(script, mode, env), { registered: '_casctl', stderr: '' }, mode);
  });

  test('commands in both spellings, options, -o formats', () => {
    const commands = zshComplete(script, 'source', 'casctl Get-CAS', env);
    assert.deepEqual(commands.candidates, ['Get-CASMailbox', 'Get-CASMailboxPlan']);
    assert.ok(commands.shown.includes('Get-CASMailbox -- show POP3/IMAP4/OWA/SMTP AUTH/ManageSieve access settings (Get-CASMailbox)'), commands.shown.join('\n'));
    assert.deepEqual(zshComplete(script, 'fpath', 'casctl get-cas', env).candidates, ['get-casmailbox', 'get-casmailboxplan']);
    const options = zshComplete(script, 'fpath', 'casctl get-casmailbox --o', env);
    assert.deepEqual(options.candidates, ['--organizational-unit', '--output']);
    assert.ok(options.shown.some((line) => line.startsWith('--output -- table, list, json')), options.shown.join('\n'));
    assert.deepEqual(zshComplete(script, 'source', 'casctl audit p.yaml -o ', env).candidates, ['table', 'json', 'csv', 'junit', 'ndjson']);
    assert.equal(zshComplete(script, 'source', 'casctl get-casmailbox --output=nd', env).buffer, 'casctl get-casmailbox --output=ndjson ');
  });

  test('booleans and service names, inserted so the shell reads them back', () => {
    assert.equal(zshComplete(script, 'source', "casctl set-casmailbox x --pop-enabled '$f", env).buffer, "casctl set-casmailbox x --pop-enabled '$false' ");
    assert.deepEqual(zshComplete(script, 'source', 'casctl set-casmailbox x --smtp-client-authentication-disabled \\$', env).candidates, ['$true', '$false', '$null']);
    assert.deepEqual(zshComplete(script, 'source', 'casctl get-service MSExchangeI', env).candidates, ['MSExchangeIMAP4', 'MSExchangeIMAP4BE']);
    // The Exchange spelling: -PopEnabled:$false is --pop-enabled=$false.
    assert.equal(zshComplete(script, 'fpath', 'casctl Set-CASMailbox x -PopEnabled:\\$f', env).buffer, 'casctl Set-CASMailbox x -PopEnabled:\\$false ');
  });

  test('OU names from the store, quoted', () => {
    const unquoted = zshComplete(script, 'fpath', `casctl --store ${store} get-organizationalunit North\\ America\\\\Fi`, env);
    assert.deepEqual(unquoted.candidates, ['North America\\Finance']);
    assert.equal(unquoted.buffer, `casctl --store ${store} get-organizationalunit North\\ America\\\\Finance `);
    const exchange = zshComplete(script, 'source', `casctl -Store sqlite:${store} Get-CASMailbox -OrganizationalUnit North\\ America\\\\Fi`, env);
    assert.equal(exchange.buffer, `casctl -Store sqlite:${store} Get-CASMailbox -OrganizationalUnit North\\ America\\\\Finance `);
    const quoted = zshComplete(script, 'source', `casctl --store=${store} get-casmailbox --organizational-unit 'North America\\Fi`, env);
    assert.equal(quoted.buffer, `casctl --store=${store} get-casmailbox --organizational-unit 'North America\\Finance' `);
    const line = `casctl --store ${awkward} get-organizationalunit`;
    assert.equal(zshComplete(script, 'source', `${line} Z`, env).buffer, `${line} Zürich\\ Büro `);
    assert.equal(zshComplete(script, 'fpath', `${line} O`, env).buffer, `${line} O\\'Neil\\ \\"Ops\\"\\ \\$HOME `);
    assert.equal(zshComplete(script, 'source', `${line} 'O`, env).buffer, `${line} 'O'\\''Neil "Ops" $HOME' `);
  });
});

describe('casctl completion fish', { skip: shellSkipReason('fish') }, () => {
  let script: string;
  before(async () => {
    script = await completionScript('fish');
  });

  test('commands in both spellings', () => {
    const commands = fishComplete(script, 'casctl get-', env);
    for (const name of ['get-casmailbox', 'get-casmailboxplan', 'get-service']) assert.ok(commands.includes(name), name);
    assert.deepEqual(fishComplete(script, 'casctl Get-CAS', env), ['Get-CASMailbox', 'Get-CASMailboxPlan']);
  });

  test('options, -o formats, booleans, service names, Dovecot versions', () => {
    assert.deepEqual(fishComplete(script, 'casctl get-casmailbox --o', env), ['--organizational-unit', '--output']);
    assert.deepEqual(fishComplete(script, 'casctl set-casmailboxplan -o ', env).sort(), ['json', 'table']);
    assert.deepEqual(fishComplete(script, 'casctl set-casmailbox x --smtp-client-authentication-disabled \\$', env).sort(), ['$false', '$null', '$true']);
    assert.deepEqual(fishComplete(script, 'casctl restart-service MSExchangeP', env), ['MSExchangePOP3', 'MSExchangePOP3BE']);
    assert.deepEqual(fishComplete(script, 'casctl get-dovecotconfig --dovecot-version ', env), ['2.3', '2.4']);
    // After a --store and its value the command is still found.
    assert.deepEqual(fishComplete(script, `casctl --store ${store} get-casmailbox --pop`, env), []);
    assert.deepEqual(fishComplete(script, `casctl --store ${store} set-casmailbox --pop`, env), ['--pop-enabled']);
  });

  test('OU names from the store', () => {
    assert.deepEqual(fishComplete(script, `casctl --store ${store} get-organizationalunit 'North America\\\\F`, env), ['North America\\Finance']);
    assert.deepEqual(fishComplete(script, `casctl --store=${store} set-casmailboxplan D`, env), ['Default']);
    // fish escapes a candidate as it inserts it; complete -C shows it as the word it stands for.
    assert.deepEqual(fishComplete(script, `casctl --store ${awkward} get-organizationalunit Z`, env), ['Zürich Büro']);
    assert.deepEqual(fishComplete(script, `casctl --store ${awkward} get-organizationalunit O`, env), [`O'Neil "Ops" $HOME`]);
  });
});
