import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Option } from 'commander';
import { PROTOCOLS } from '../../../src/core/protocols.js';
import { commanderKey, kebabCase, settingOption, settingOptionKey, settingOptionText } from '../../../src/cli/setting-options.js';

test("each CAS setting's option is its Exchange name in kebab case", () => {
  const options = PROTOCOLS.map((p) => settingOption(p.property));
  assert.deepEqual(options, ['pop-enabled', 'imap-enabled', 'owa-enabled', 'smtp-client-authentication-disabled', 'manage-sieve-enabled']);
  for (const option of options) assert.match(option, /^[a-z0-9]+(-[a-z0-9]+)*-(enabled|disabled)$/);
  assert.equal(new Set(options).size, PROTOCOLS.length);
});

test('commander stores each option under the key set-casmailbox reads', () => {
  for (const { property } of PROTOCOLS) {
    assert.equal(new Option(`--${settingOption(property)} <bool>`).attributeName(), settingOptionKey(property), property);
  }
  assert.deepEqual(PROTOCOLS.map((p) => settingOptionKey(p.property)), ['popEnabled', 'imapEnabled', 'owaEnabled', 'smtpClientAuthenticationDisabled', 'manageSieveEnabled']);
});

// The properties issue 16 adds, as plain names: their options must come out right before they are registry entries.
const NAMES: readonly [property: string, option: string, key: string][] = [
  ['PopEnabled', 'pop-enabled', 'popEnabled'],
  ['ImapEnabled', 'imap-enabled', 'imapEnabled'],
  ['OWAEnabled', 'owa-enabled', 'owaEnabled'],
  ['ManageSieveEnabled', 'manage-sieve-enabled', 'manageSieveEnabled'],
  ['SmtpClientAuthenticationDisabled', 'smtp-client-authentication-disabled', 'smtpClientAuthenticationDisabled'],
];

test('kebab case keeps an acronym whole, and the key is what commander derives from the kebab name', () => {
  for (const [property, option, key] of NAMES) {
    assert.equal(kebabCase(property), option, property);
    assert.equal(commanderKey(option), key, option);
    assert.equal(new Option(`--${option} <bool>`).attributeName(), key, option);
  }
});

test('an acronym before a word, and digits, split as words', () => {
  assert.equal(kebabCase('CustomAttribute10'), 'custom-attribute10');
  assert.equal(kebabCase('EnableMAPIAccess'), 'enable-mapi-access');
  assert.equal(kebabCase('OWA'), 'owa');
});

test("an option's text is read from commander's key; a value that is not text counts as not given", () => {
  assert.equal(settingOptionText({ popEnabled: '$false' }, 'PopEnabled'), '$false');
  assert.equal(settingOptionText({ imapEnabled: 'no' }, 'ImapEnabled'), 'no');
  assert.equal(settingOptionText({ PopEnabled: 'true', popEnabled: true }, 'PopEnabled'), undefined);
  assert.equal(settingOptionText({}, 'ImapEnabled'), undefined);
});
