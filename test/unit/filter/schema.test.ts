import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFilterSchema, evaluateFilter, FilterSyntaxError, parseFilter, type PropertyReader } from '../../../src/filter/index.js';

/** Not a mailbox: the language parses and evaluates against whatever schema it is given. */
interface Book {
  title: string;
  inPrint: boolean;
  published: string | null;
  isbns: string[];
}

const schema = createFilterSchema(
  [
    { name: 'Title', type: 'string', multiValued: false },
    { name: 'InPrint', type: 'boolean', multiValued: false },
    { name: 'Published', type: 'date', multiValued: false },
    { name: 'Isbn', type: 'string', multiValued: true, normaliseText: (text) => text.replace(/^isbn:/i, '').replaceAll('-', '') },
  ],
  "Title -like 'Dune*' -and InPrint -eq $true",
);

const read: PropertyReader<Book> = (book, property) => {
  switch (property) {
    case 'Title':
      return book.title;
    case 'InPrint':
      return book.inPrint;
    case 'Published':
      return book.published;
    default:
      return book.isbns;
  }
};

const books: Book[] = [
  { title: 'Dune', inPrint: true, published: '1965-08-01T00:00:00.000Z', isbns: ['9780441013593'] },
  { title: 'Dune Messiah', inPrint: false, published: null, isbns: [] },
  { title: 'Solaris', inPrint: true, published: '1961-01-01T00:00:00.000Z', isbns: ['9780156027601', '0571311575'] },
];

const titles = (filter: string): string[] => {
  const ast = parseFilter(filter, schema);
  return books.filter((book) => evaluateFilter(ast, book, read)).map((book) => book.title);
};

describe('a schema of its own', () => {
  it('finds its properties case-insensitively and evaluates through the reader it is given', () => {
    assert.deepEqual(titles("title -like 'dune*' -and inprint -eq $true"), ['Dune']);
    assert.deepEqual(titles("Published -lt '1/1/1965'"), ['Solaris']);
    assert.deepEqual(titles('Published -eq $null'), ['Dune Messiah']);
    assert.deepEqual(titles("Isbn -eq '0571311575'"), ['Solaris']);
    assert.deepEqual(titles('Isbn -eq $null'), ['Dune Messiah']);
  });

  it("applies a property's normaliseText to its text literals only", () => {
    assert.deepEqual(titles("Isbn -eq 'ISBN:978-0-441-01359-3'"), ['Dune']);
    assert.deepEqual(titles("Title -eq 'isbn:Dune'"), []);
    // A literal the normaliser empties is a test for a missing value, as '' is.
    assert.deepEqual(titles("Isbn -eq 'isbn:'"), ['Dune Messiah']);
  });

  it("lists the schema's properties for an unknown one, and quotes the schema's example in hints", () => {
    assert.throws(
      () => parseFilter("Titel -eq 'x'", schema),
      (error: unknown) =>
        error instanceof FilterSyntaxError &&
        error.message.startsWith("Invalid filter: unknown property 'Titel' at column 1. Did you mean 'Title'? Filterable properties: Title, InPrint, Published, Isbn.\n"),
    );
    assert.throws(
      () => parseFilter('', schema),
      (error: unknown) => error instanceof FilterSyntaxError && error.message.startsWith("Invalid filter: the filter is empty at column 1. Write a comparison, e.g. Title -like 'Dune*' -and InPrint -eq $true.\n"),
    );
  });

  it('is a plain Error, for the application to map', () => {
    try {
      parseFilter('InPrint -lt $true', schema);
      assert.fail('expected a FilterSyntaxError');
    } catch (error) {
      assert.ok(error instanceof FilterSyntaxError);
      assert.equal(Object.getPrototypeOf(FilterSyntaxError.prototype), Error.prototype);
      assert.equal(error.name, 'FilterSyntaxError');
    }
  });
});
