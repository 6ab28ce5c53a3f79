import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/cli/config.js';
import { parseDovecotSection, parseWebmailNetworkOptions, sameNetworks } from '../../../src/cli/webmail-networks.js';
import { ConfigError, UsageError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';

const PATH = '/etc/casctl/config.json';
const texts = (value: unknown): string[] => parseDovecotSection(value, PATH).webmailNetworks.map((n) => n.text);

test('"dovecot": {"webmailNetworks": [...]}: normalised, each network once; absent or empty is none', async () => {
  assert.deepEqual(texts({ webmailNetworks: ['127.0.0.2', '10.1.0.0/16', '127.0.0.2/32', '2001:DB8::/32'] }), ['127.0.0.2/32', '10.1.0.0/16', '2001:db8::/32']);
  assert.deepEqual(texts({}), []);
  assert.deepEqual(texts({ webmailNetworks: [] }), []);
  const path = join(tempDir(), 'casctl.config.json');
  writeFileSync(path, JSON.stringify({ dovecot: { webmailNetworks: ['127.0.0.2'] } }), { mode: 0o600 });
  assert.deepEqual((await loadConfig({ configOption: path, env: {}, cwd: '/' })).dovecot.webmailNetworks.map((n) => n.text), ['127.0.0.2/32']);
  writeFileSync(path, '{}', { mode: 0o600 });
  assert.deepEqual((await loadConfig({ configOption: path, env: {}, cwd: '/' })).dovecot.webmailNetworks, []);
});

test('a bad entry is a ConfigError that names the file, the key and the entry', () => {
  const where = `The configuration file '${PATH}': "dovecot"`;
  const cases: [unknown, string][] = [
    [[], `${where} must be an object, e.g. {"webmailNetworks": ["127.0.0.2/32"]}.`],
    [{ webmailNetwork: [] }, `${where}: unknown key "webmailNetwork"; known: webmailNetworks.`],
    [{ webmailNetworks: '127.0.0.2' }, `${where}."webmailNetworks" must be an array of networks such as "10.1.0.0/16" or "2001:db8::/32".`],
    [{ webmailNetworks: ['127.0.0.2', 7] }, `${where}."webmailNetworks"[1] must be a string such as "10.1.0.0/16", not 7.`],
    [{ webmailNetworks: ['10.1.2.3/16'] }, `${where}."webmailNetworks"[0] "10.1.2.3/16" has bits set beyond its /16 prefix: the network is 10.1.0.0/16.`],
    [{ webmailNetworks: ["127.0.0.2' OR 1=1"] }, `${where}."webmailNetworks"[0] "127.0.0.2' OR 1=1" is not an IPv4 or IPv6 address, optionally followed by /prefix.`],
  ];
  for (const [value, message] of cases) assert.throws(() => parseDovecotSection(value, PATH), new ConfigError(message), JSON.stringify(value));
});

test('--webmail-network: the same rules, as a usage error naming the option; sameNetworks ignores order', () => {
  const given = parseWebmailNetworkOptions(['10.1.0.0/16', '127.0.0.2', '127.0.0.2/32']);
  assert.deepEqual(given.map((n) => n.text), ['10.1.0.0/16', '127.0.0.2/32']);
  assert.throws(() => parseWebmailNetworkOptions(['127.0.0.1/40']), new UsageError('--webmail-network "127.0.0.1/40" has a prefix that is not a number from 0 to 32.'));
  assert.equal(sameNetworks(given, parseWebmailNetworkOptions(['127.0.0.2', '10.1.0.0/16'])), true);
  assert.equal(sameNetworks(given, parseWebmailNetworkOptions(['127.0.0.2'])), false);
  assert.equal(sameNetworks([], []), true);
});
