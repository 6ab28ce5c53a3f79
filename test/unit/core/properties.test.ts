import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold, type Mailbox } from '../../../src/core/mailbox.js';
import { filterFields, MAILBOX_FILTER_SCHEMA, mailboxMatches, PROPERTIES } from '../../../src/core/properties.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS } from '../../../src/core/protocols.js';
import { fold as filterFold, parseFilter } from '../../../src/filter/index.js';
import { exampleMailbox } from '../../helpers/filter/directory.js';

describe('the mailbox property schema', () => {
  it('folds case as the filter language does: one function', () => {
    assert.equal(fold, filterFold);
    assert.equal(fold('ÉMILE İ'), 'ÉMILE İ'.toLowerCase());
  });

  it("derives the CAS settings and their UseProtocolDefaults from the protocol registry, in the registry's order", () => {
    const booleans = PROPERTIES.filter((p) => p.type === 'boolean').map((p) => p.name);
    assert.deepEqual(booleans, [...PROTOCOLS.map((p) => p.property), ...USE_DEFAULTS_PROTOCOLS.map((p) => p.useDefaultsProperty)]);
  });

  it('evaluates each property through its reader', () => {
    const mailbox = exampleMailbox(1, { Department: 'Sales', CustomAttributes: ['x', ...Array<null>(14).fill(null)] }).mailbox;
    assert.equal(mailboxMatches(parseFilter("department -eq 'SALES' -and CustomAttribute1 -eq 'x' -and CustomAttribute2 -eq $null", MAILBOX_FILTER_SCHEMA), mailbox), true);
    assert.equal(mailboxMatches(parseFilter("RecipientType -eq 'UserMailbox'", MAILBOX_FILTER_SCHEMA), mailbox), true);
  });

  it('drops an smtp: prefix from address literals, as addresses are stored bare', () => {
    const mailbox = exampleMailbox(1, { EmailAddresses: ['ann@example.com'] }).mailbox;
    assert.equal(mailboxMatches(parseFilter("EmailAddresses -eq 'SMTP:ann@example.com'", MAILBOX_FILTER_SCHEMA), mailbox), true);
  });

  it('names the fields each property reads: a mailbox of only those decides a filter as a whole one does', () => {
    const mailbox = exampleMailbox(1, { Department: 'Sales', CustomAttributes: ['x', ...Array<null>(14).fill(null)] }).mailbox;
    for (const property of PROPERTIES) {
      const only = Object.fromEntries(property.fields.map((field) => [field, mailbox[field]])) as unknown as Mailbox;
      assert.deepEqual(property.read(only), property.read(mailbox), property.name);
    }
    const text = "(Department -eq 'Sales' -or -not (CustomAttribute3 -like 'a*')) -and PopEnabled -eq $true -and RecipientType -eq 'UserMailbox'";
    assert.deepEqual(filterFields(parseFilter(text, MAILBOX_FILTER_SCHEMA)).sort(), ['CustomAttributes', 'Department', 'PopEnabled']);
  });
});
