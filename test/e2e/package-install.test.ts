import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ROOT, tempDir } from '../helpers/cli.js';
import { copyCheckout, distIsCurrent, exec, installSkipReason, isInside, userEnv, type Ran } from '../helpers/package-install.js';
import { README, sectionLines } from '../helpers/readme-commands.js';

/**
 * casctl as an admin gets it: packed, installed into a prefix of its own, run from a directory
 * that is not the clone with a PATH that knows only the prefix. Slow: npm installs the
 * dependencies (from the cache `npm ci` filled) and may build better-sqlite3 with node-gyp.
 */

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin?: string | Record<string, string>;
  man?: string | string[];
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const explain = (ran: Ran): string => `exit ${ran.code}\nstdout:\n${ran.stdout.slice(-3000)}\nstderr:\n${ran.stderr.slice(-3000)}`;
const mailboxRows = (stdout: string): string[] => stdout.split('\n').filter((line) => /^\S.*\s\S+@tailspintoys\.com\s/.test(line));
/** npm itself talks to the network only where its cache lacks a package. */
const NPM_QUIET = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** The files package.json's bin and man fields point at. */
function declaredFiles(): string[] {
  const { bin, man } = manifest;
  const bins = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
  const pages = typeof man === 'string' ? [man] : (man ?? []);
  return [...bins, ...pages].map((p) => p.replace(/^\.\//, ''));
}

/** The paths README.md names in what a package carries (the sample, the policy sample, the schemas, the man page). */
function readmeShippedPaths(): string[] {
  const named = readFileSync(README, 'utf8').match(/\b(?:fixtures|schema|man)\/[\w./-]*/g) ?? [];
  return [...new Set(named.map((p) => p.replace(/[.]$/, '')))].filter((p) => existsSync(join(ROOT, p)));
}

describe('npm pack, npm install -g of the tarball into a prefix, casctl from there', { skip: installSkipReason() }, () => {
  const work = tempDir();
  const prefix = join(work, 'prefix');
  const cwd = join(work, 'admin');
  const env = userEnv(join(prefix, 'bin'), { HOME: process.env.HOME, ...NPM_QUIET });
  const installed = join(prefix, 'lib', 'node_modules', manifest.name);
  let files: string[] = [];
  let tarball = '';

  before(() => mkdirSync(cwd));

  test('the tarball carries bin, dist, the sample, the policy sample, schema/ and what README.md names; nothing private', async (t) => {
    assert.equal(distIsCurrent(), undefined);
    // dist is built (pretest): packing without scripts leaves the clone's dist alone while other test files run it.
    const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env });
    assert.equal(packed.code, 0, explain(packed));
    const [result] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }>; size: number; unpackedSize: number }>;
    assert.ok(result !== undefined);
    tarball = join(work, result.filename);
    files = result.files.map((f) => f.path);
    t.diagnostic(`npm pack: ${seconds(packed.ms)}, ${files.length} files, ${(result.size / 1024).toFixed(0)} KiB packed, ${(result.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
    for (const path of ['package.json', 'README.md', 'bin/casctl.js', 'fixtures/sample-directory.csv', 'fixtures/policies/sample-policy.yml', 'schema/casctl-policy.schema.json', 'schema/casmailbox.schema', 'schema/casmailbox.ldif']) {
      assert.ok(files.includes(path), `${path} is not in the package`);
    }
    assert.ok(files.some((f) => /^dist\/.+\.js$/.test(f)), 'no dist/*.js in the package');
    for (const path of declaredFiles()) assert.ok(files.includes(path), `package.json declares ${path}, which is not in the package`);
    const named = readmeShippedPaths();
    assert.ok(named.length >= 4, `README.md names only ${named.join(', ')}`);
    for (const path of named) assert.ok(files.some((f) => f === path || f.startsWith(`${path.replace(/\/$/, '')}/`)), `README.md names ${path}, which is not in the package`);
    const privateFiles = files.filter((f) => /^(test|bench|\.ci|src|scripts|node_modules)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') || /(^|\/)casctl\.(db|config\.json)/.test(f));
    assert.deepEqual(privateFiles, []);
  });

  test('it installs into a prefix of its own, with its dependencies there and nothing resolved from the clone', async (t) => {
    assert.notEqual(tarball, '', 'the pack test did not run');
    const install = await exec(
      'npm',
      ['install', '--global', '--prefix', prefix, '--allow-scripts=better-sqlite3', tarball],
      { cwd, env },
    );
    t.diagnostic(`npm install -g of the tarball: ${seconds(install.ms)}`);
    process.stderr.write(`package-install: npm install -g of the tarball took ${seconds(install.ms)}\n`);
    assert.equal(install.code, 0, explain(install));
    const bin = realpathSync(join(prefix, 'bin', 'casctl'));
    assert.equal(bin, join(realpathSync(installed), 'bin', 'casctl.js'));
    assert.ok(!isInside(bin, ROOT), `${bin} is in the clone`);
    assert.ok(isInside(realpathSync(join(installed, 'node_modules', 'better-sqlite3')), realpathSync(prefix)), 'better-sqlite3 is not installed with casctl');
    for (const path of ['schema/casctl-policy.schema.json', 'schema/casmailbox.schema', 'schema/casmailbox.ldif', 'fixtures/policies/sample-policy.yml', 'fixtures/sample-directory.csv']) {
      assert.ok(existsSync(join(installed, path)), `${path} is not installed`);
    }
    assert.ok(!existsSync(join(installed, 'test')) && !existsSync(join(installed, 'src')));
  });

  test('casctl on PATH: --version, init --sample, get-casmailbox (232 mailboxes), get-dovecotconfig, audit of the installed policy sample', async (t) => {
    const which = await exec('sh', ['-c', 'command -v casctl'], { cwd, env });
    assert.equal(which.stdout.trim(), join(prefix, 'bin', 'casctl'));
    const casctl = (...args: string[]): Promise<Ran> => exec('casctl', args, { cwd, env });

    const version = await casctl('--version');
    assert.equal(version.code, 0, explain(version));
    assert.equal(version.stdout.trim(), manifest.version);
    t.diagnostic(`installed casctl --version: ${version.ms.toFixed(0)} ms`);

    const init = await casctl('init', '--sample');
    assert.equal(init.code, 0, explain(init));
    assert.match(init.stderr, /232 mailboxes created/);
    assert.ok(existsSync(join(cwd, 'casctl.db')), 'init --sample made no ./casctl.db in the working directory');

    const list = await casctl('get-casmailbox');
    assert.equal(list.code, 0, explain(list));
    assert.equal(mailboxRows(list.stdout).length, 232);

    const config = await casctl('get-dovecotconfig');
    assert.equal(config.code, 0, explain(config));
    assert.match(config.stdout, /^# ---- .*casctl-auth\.conf ----$/m);
    assert.match(config.stdout, /passdb/);

    const audit = await casctl('audit', join(installed, 'fixtures', 'policies', 'sample-policy.yml'), '-o', 'junit');
    assert.equal(audit.code, 5, explain(audit));
    assert.match(audit.stdout, /<testsuite[^]*<failure/);
  });
});

describe("README.md's set-up line, pasted into a fresh copy of the repository", { skip: installSkipReason() }, () => {
  test('installs casctl on PATH (npm_config_prefix: a prefix of its own) and lists the sample', async (t) => {
    const [line] = sectionLines('Quick start').filter((l) => /\bnpm install\b.*\bnpm install -g\b/.test(l.text));
    assert.ok(line !== undefined, "README.md's Quick start has no line that runs npm install and npm install -g");
    const work = tempDir();
    const repo = join(work, 'casctl');
    const prefix = join(work, 'prefix');
    copyCheckout(repo);
    // As `npm config set prefix ~/.local` would, which README.md tells a user without root to do.
    const env = userEnv(join(prefix, 'bin'), { HOME: process.env.HOME, npm_config_prefix: prefix, ...NPM_QUIET });
    const ran = await exec('bash', ['-c', line.text], { cwd: repo, env });
    t.diagnostic(`README.md:${line.line} (${line.text}): ${seconds(ran.ms)}`);
    process.stderr.write(`package-install: the README set-up line took ${seconds(ran.ms)}\n`);
    assert.equal(ran.code, 0, explain(ran));
    assert.equal(mailboxRows(ran.stdout).length, 232, explain(ran));
    assert.ok(existsSync(join(repo, 'casctl.db')));
    const bin = realpathSync(join(prefix, 'bin', 'casctl'));
    assert.ok(isInside(bin, realpathSync(repo)), `${bin} is not in the copy the line ran in`);
  });
});
