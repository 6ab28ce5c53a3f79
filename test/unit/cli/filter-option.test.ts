import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { MAILBOX_FILTER_SCHEMA } from '../../../src/core/properties.js';
import { parseFilterOption } from '../../../src/cli/selection-options.js';
import { FilterSyntaxError, parseFilter } from '../../../src/filter/index.js';

function parserMessage(text: string): string {
  try {
    parseFilter(text, MAILBOX_FILTER_SCHEMA);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error.message;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('-Filter on the command line', () => {
  it('parses against the mailbox properties', () => {
    assert.equal(parseFilterOption("department -eq 'Sales'").kind, 'comparison');
  });

  for (const text of ["Departmnet -eq 'Sales'", '', "PopEnabled -eq 'False'", "(Name -eq 'a'"]) {
    it(`is a usage error (exit 2) in the parser's words: ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseFilterOption(text),
        (error: unknown) => {
          assert.ok(error instanceof UsageError, String(error));
          assert.equal(error.exitCode, 2);
          assert.equal(error.message, parserMessage(text));
          return true;
        },
      );
    });
  }

  it('keeps the did-you-mean and a short list of the filterable properties', () => {
    assert.throws(() => parseFilterOption("Departmnet -eq 'Sales'"), {
      message: [
        `Invalid filter: unknown property 'Departmnet' at column 1. Did you mean 'Department'? Filterable properties: Department, Name, Company, DisplayName, PopEnabled … and ${MAILBOX_FILTER_SCHEMA.properties.length - 5} more; every property of \`casctl get-casmailbox --property '*' -o list\` but Identity is filterable.`,
        "  Departmnet -eq 'Sales'",
        '  ^^^^^^^^^^',
      ].join('\n'),
    });
    assert.throws(() => parseFilterOption(''), { message: /^Invalid filter: the filter is empty at column 1\. Write a comparison, e\.g\. Department -eq 'Sales' -and PopEnabled -eq \$true\.\n/ });
  });
});
