import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { casctl, sampleStore, tempDir, type CliResult } from '../helpers/cli.js';

// What a policy may read (README "Audits"): files in its own directory, unless --allow-outside-files.
// Policy errors come before the store is opened; the runs that get further share one sample store.

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A policy whose one rule names `file` under `key`; its value starts at line 4, column 7 + key.length. */
function policyNaming(dir: string, key: 'file' | 'exceptFile', file: string): string {
  return write(dir, 'policy.yml', `rules:\n  - name: Nobody has POP3\n    expect: { PopEnabled: false }\n    ${key}: '${file}'\n`);
}

const SECRET = 'bindPassword=correct-horse-battery-staple-and-then-some-0123456789';
const ESCAPES = '\u001b]0;pwned\u0007\u001b[2Jcleared';

function output(result: CliResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

let store = '';
before(async () => {
  store = await sampleStore();
});

describe('files a policy names', () => {
  test('a file outside the policy directory (/etc/passwd) is exit 2, located, naming the rule and --allow-outside-files', async () => {
    const result = await casctl(['audit', policyNaming(tempDir(), 'exceptFile', '/etc/passwd')], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /policy\.yml:4:17: rule 'Nobody has POP3': "exceptFile" names '\/etc\/passwd', which is outside the policy's directory .*--allow-outside-files/);
    assert.equal(result.stdout, '');
  });

  test('.. out of the directory is refused too', async () => {
    const result = await casctl(['audit', policyNaming(tempDir(), 'file', '../elsewhere/list.txt')], { store });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /policy\.yml:4:11: rule 'Nobody has POP3': "file" names '\.\.\/elsewhere\/list\.txt', which is outside/);
  });

  test('a symlink in the policy directory that leads outside is refused, and so is a symlinked directory', async () => {
    const outside = write(tempDir(), 'secret.txt', `${SECRET}\n`);
    const dir = tempDir();
    symlinkSync(outside, join(dir, 'exceptions.txt'));
    symlinkSync('/etc', join(dir, 'etc'));
    for (const [file, target] of [['exceptions.txt', outside], ['etc/passwd', '/etc/passwd']] as const) {
      const result = await casctl(['audit', policyNaming(dir, 'exceptFile', file)], { store });
      assert.equal(result.code, 2, file);
      assert.match(result.stderr, /"exceptFile" names .*, which leads \(through a symlink\) to (.*), outside the policy's directory .*--allow-outside-files/);
      assert.ok(result.stderr.includes(target), result.stderr);
    }
  });

  test('a file in the directory, named absolutely or through a subdirectory, is read', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lists'));
    const list = write(join(dir, 'lists'), 'pop3.txt', 'Administrator\n');
    for (const file of [list, 'lists/pop3.txt', './lists/../lists/pop3.txt']) {
      const result = await casctl(['audit', policyNaming(dir, 'file', file), '-o', 'json'], { store });
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { Rules: { Selected: number }[] }).Rules[0]?.Selected, 1);
    }
  });

  test('with --allow-outside-files it runs, and no line of the file shows beyond a short escaped prefix', async () => {
    const outside = write(tempDir(), 'ldap.secret', `${SECRET}\n${ESCAPES}\n`);
    const result = await casctl(['audit', policyNaming(tempDir(), 'exceptFile', outside), '--allow-outside-files'], { store });
    assert.equal(result.code, 5, result.stderr);
    const text = output(result);
    assert.ok(text.includes(`'${SECRET.slice(0, 40)}…'`), result.stderr);
    assert.ok(!text.includes(SECRET.slice(40)), 'nothing past the first 40 characters');
    assert.ok(!text.includes('\u001b') && !text.includes('\u0007'), 'no control character reaches the terminal');
    assert.ok(text.includes("'\\x1b]0;pwned\\x07\\x1b[2Jcleared'"), result.stderr);
  });

  test('an identity file with a 100 KB line is exit 2 with its line number, and the line is not echoed', async () => {
    const dir = tempDir();
    write(dir, 'long.txt', `Administrator\n# comment\n${'x'.repeat(100_000)}\n`);
    const result = await casctl(['audit', policyNaming(dir, 'file', 'long.txt')], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /long\.txt, line 3: is longer than 65536 characters/);
    assert.ok(!output(result).includes('x'.repeat(41)));
  });
});

describe('bounded policies', () => {
  const laughs = [
    'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    'rules:',
    '  - name: x',
    '    max: 1',
    '',
  ].join('\n');

  test('a "billion laughs" of nested aliases is exit 2, located at the first alias', async () => {
    const started = Date.now();
    const result = await casctl(['audit', write(tempDir(), 'policy.yml', laughs)], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /policy\.yml:2:8: the aliases expand to more than 100 copies/);
    assert.ok(Date.now() - started < 5000);
  });

  test('an alias with no anchor is exit 2, located', async () => {
    const result = await casctl(['audit', write(tempDir(), 'policy.yml', 'rules:\n  - name: x\n    expect: *nope\n')], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /policy\.yml:3:13: the alias \*nope names no anchor/);
  });

  test('an anchor shared by two rules is fine', async () => {
    const text = 'rules:\n  - name: x\n    identities: [Administrator]\n    expect: &off { PopEnabled: false }\n  - name: y\n    identities: [Administrator]\n    expect: *off\n';
    const result = await casctl(['audit', write(tempDir(), 'policy.yml', text)], { store });
    assert.equal(result.code, 0, result.stderr);
  });

  test('a policy larger than 10 MiB (/dev/zero) is exit 2, quickly', async () => {
    const started = Date.now();
    const result = await casctl(['audit', '/dev/zero'], { store });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /The policy '\/dev\/zero' is larger than 10 MiB/);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });
});
