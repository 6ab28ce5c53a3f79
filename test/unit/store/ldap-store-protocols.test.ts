import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from '../../../src/core/errors.js';
import { PROTOCOLS } from '../../../src/core/protocols.js';
import { LdapEntry } from '../../../src/store/ldap/connection.js';
import { DirectoryLayout } from '../../../src/store/ldap/layout.js';
import { checkProtocols, protocolsOf, recordProtocols } from '../../../src/store/ldap/store-protocols.js';

const URL = 'ldap://ldap.example.com/dc=example,dc=com';
const container = (casProtocol: string[]): LdapEntry => new LdapEntry('cn=casctl,dc=example,dc=com', { dn: 'cn=casctl,dc=example,dc=com', casProtocol });

test('layout 1 recorded nothing and carried POP3 and IMAP4; layout 2 says what it carries, in any case', () => {
  assert.deepEqual(protocolsOf(container([]), 1), ['pop3', 'imap']);
  assert.deepEqual(protocolsOf(container(['sieve', 'POP3']), 1), ['pop3', 'imap'], 'a layout-1 store never recorded any');
  assert.deepEqual(protocolsOf(container(['pop3', 'IMAP', 'Sieve']), 2), ['pop3', 'imap', 'sieve']);
  assert.deepEqual(protocolsOf(container([]), 2), []);
});

test('a store lacking a protocol of the registry is refused, naming it and casctl init; one with every protocol is not', () => {
  checkProtocols(URL, PROTOCOLS.map((p) => p.name));
  assert.throws(() => checkProtocols(URL, PROTOCOLS.filter((p) => p.name !== 'sieve').map((p) => p.name)), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(error.message, /^The directory store ldap:\/\/ldap\.example\.com\/dc=example,dc=com predates ManageSieve \(ManageSieveEnabled\)/);
    assert.match(error.message, /Run 'casctl init --store ldap:\/\/ldap\.example\.com\/dc=example,dc=com' once to enable ManageSieve for every mailbox/);
    return true;
  });
  assert.throws(() => checkProtocols(URL, []), /predates POP3 \(PopEnabled\), IMAP4 \(ImapEnabled\), .*carry no casEnabledService values for them/);
});

test('a store carrying a protocol this casctl does not know was set up by a newer casctl', () => {
  assert.throws(() => checkProtocols(URL, [...PROTOCOLS.map((p) => p.name), 'carrierpigeon']), /carries protocols this casctl does not know \(carrierpigeon\): a newer casctl set it up\. Upgrade casctl\./);
});

test('recording on a server whose casctl schema predates casProtocol says to load the current schema, then init again', async () => {
  const undefinedType = Object.assign(new Error('casProtocol: attribute type undefined'), { code: 17 });
  const target = {
    connection: {
      search: () => assert.fail('no search'),
      modify: () => Promise.reject(undefinedType),
      fail: () => assert.fail('a schema problem has its own message'),
    },
    layout: new DirectoryLayout('dc=example,dc=com'),
    url: URL,
    concurrency: 1,
    notice: () => undefined,
  };
  await assert.rejects(recordProtocols(target, ['pop3', 'imap']), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(error.message, /has an older casctl schema \(without casProtocol\): load the current schema\/casmailbox\.schema \(slapd\.conf\) or schema\/casmailbox\.ldif \(cn=config\), then run 'casctl init --store ldap:\/\/ldap\.example\.com\/dc=example,dc=com' again\./);
    return true;
  });
});
