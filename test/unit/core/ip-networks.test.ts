import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNetworks, parseNetwork, type IpNetwork } from '../../../src/core/ip-networks.js';

const text = (input: string): string => {
  const parsed = parseNetwork(input);
  return 'network' in parsed ? parsed.network.text : `! ${parsed.problem}`;
};

test('a network is printed normalised: a bare address is one host, IPv6 in canonical form, IPv4-mapped as IPv4', () => {
  const cases: [string, string][] = [
    ['127.0.0.2', '127.0.0.2/32'],
    ['10.1.0.0/16', '10.1.0.0/16'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8:0:0::/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['::/0', '::/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:127.0.0.2', '127.0.0.2/32'],
  ];
  for (const [input, expected] of cases) assert.equal(text(input), expected, input);
});

test('anything else is refused with the reason, host bits with the network meant', () => {
  const cases: [string, RegExp][] = [
    ['10.1.2.3/16', /bits set beyond its \/16 prefix: the network is 10\.1\.0\.0\/16/],
    ['2001:db8::1/32', /the network is 2001:db8::\/32/],
    ['1.2.3.4/33', /prefix that is not a number from 0 to 32/],
    ['::1/129', /from 0 to 128/],
    ['1.2.3.4/08', /prefix/],
    ['1.2.3.4/', /prefix/],
    ['1.2.3.4/3/2', /more than one "\/"/],
    ['fe80::1%eth0', /not an IPv4 or IPv6 address/],
    [' 1.2.3.4', /not an IPv4 or IPv6 address/],
    ['1.2.3.4 ', /not an IPv4 or IPv6 address/],
    ['01.2.3.4', /not an IPv4 or IPv6 address/],
    ["1.2.3.4'", /not an IPv4 or IPv6 address/],
    ['webmail.example.com', /not an IPv4 or IPv6 address/],
    ['', /not an IPv4 or IPv6 address/],
  ];
  for (const [input, problem] of cases) assert.match(text(input), problem, input);
});

test('inNetworks: by prefix, either family, an IPv4-mapped address as IPv4, anything that is no address in none', () => {
  const networks = ['127.0.0.2/32', '10.1.0.0/16', '2001:db8::/32'].map((n) => {
    const parsed = parseNetwork(n);
    return 'network' in parsed ? parsed.network : assert.fail(n);
  }) satisfies IpNetwork[];
  const inside = ['127.0.0.2', '10.1.255.255', '10.1.0.0', '::ffff:127.0.0.2', '2001:db8::7', '2001:DB8:ffff::'];
  const outside = ['127.0.0.1', '10.2.0.0', '2001:db9::', '::1', '', 'localhost', '127.0.0.2%lo'];
  for (const address of inside) assert.equal(inNetworks(address, networks), true, address);
  for (const address of outside) assert.equal(inNetworks(address, networks), false, address);
  assert.equal(inNetworks('127.0.0.2', []), false);
});
