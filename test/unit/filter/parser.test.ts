import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAILBOX_FILTER_SCHEMA } from '../../../src/core/properties.js';
import { FilterSyntaxError } from '../../../src/filter/index.js';
import { mailboxFilter as parseFilter } from '../../helpers/filter/parse.js';
import { shape } from '../../helpers/filter/shape.js';

describe('parseFilter: valid filters', () => {
  const cases: [string, string][] = [
    // The Exchange article's filters.
    [
      "RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'",
      "(and (eq RecipientType 'UserMailbox') (like Department 'Engineering*') (eq StateOrProvince 'WA'))",
    ],
    ['PopEnabled -eq `$false -and ImapEnabled -eq `$false', '(and (eq PopEnabled $false) (eq ImapEnabled $false))'],
    ["{RecipientTypeDetails -eq 'UserMailbox'}", "(eq RecipientTypeDetails 'UserMailbox')"],
    ["  {  RecipientTypeDetails -eq 'UserMailbox'  }  ", "(eq RecipientTypeDetails 'UserMailbox')"],
    // Precedence: -or < -and < -not < comparison.
    ["Name -eq 'a' -or Name -eq 'b' -and Name -eq 'c'", "(or (eq Name 'a') (and (eq Name 'b') (eq Name 'c')))"],
    ["Name -eq 'a' -and Name -eq 'b' -or Name -eq 'c'", "(or (and (eq Name 'a') (eq Name 'b')) (eq Name 'c'))"],
    ["(Name -eq 'a' -or Name -eq 'b') -and Name -eq 'c'", "(and (or (eq Name 'a') (eq Name 'b')) (eq Name 'c'))"],
    ["-not Name -eq 'a' -and City -eq 'b'", "(and (not (eq Name 'a')) (eq City 'b'))"],
    ["-not (Name -eq 'a' -and City -eq 'b')", "(not (and (eq Name 'a') (eq City 'b')))"],
    ["-not -not Name -eq 'a'", "(not (not (eq Name 'a')))"],
    ["((((Name -eq 'a'))))", "(eq Name 'a')"],
    // Case-insensitive names, operators and constants.
    ["department -LIKE 'x*' -AND popenabled -Eq $TRUE", "(and (like Department 'x*') (eq PopEnabled $true))"],
    // Every comparison operator.
    ["Name -ne 'a' -or Name -lt 'a' -or Name -gt 'a' -or Name -le 'a' -or Name -ge 'a' -or Name -notlike '*a'",
      "(or (ne Name 'a') (lt Name 'a') (gt Name 'a') (le Name 'a') (ge Name 'a') (notlike Name '*a'))"],
    // Quoting.
    ["Name -eq 'O''Brien'", "(eq Name 'O'Brien')"],
    ['Name -eq "say ""hi"" for `$5"', `(eq Name 'say "hi" for $5')`],
    // $null and the empty string, which counts as missing.
    ['Department -eq $null', '(eq Department $null)'],
    ["Department -ne ''", '(ne Department $null)'],
    ["Department -like ''", '(eq Department $null)'],
    ['Department -notlike $null', '(ne Department $null)'],
    ['PopEnabled -ne $null', '(ne PopEnabled $null)'],
    // Numbers compare as decimal text.
    ['CustomAttribute1 -eq 007', '(eq CustomAttribute1 #7)'],
    ['CustomAttribute1 -eq -0.50', '(eq CustomAttribute1 #-0.5)'],
    ['CustomAttribute1 -eq 12345678901234567890', '(eq CustomAttribute1 #12345678901234567890)'],
    ['CustomAttribute1 -eq -0', '(eq CustomAttribute1 #0)'],
    // Addresses are stored bare.
    ["EmailAddresses -eq 'SMTP:Ann@Contoso.com'", "(eq EmailAddresses 'Ann@Contoso.com')"],
    ["EmailAddresses -like 'smtp:*@contoso.com'", "(like EmailAddresses '*@contoso.com')"],
    ["PrimarySmtpAddress -eq 'smtp:x'", "(eq PrimarySmtpAddress 'smtp:x')"],
    // Dates, normalised to the store's ISO form (UTC).
    ["WhenCreated -ge '2026-01-31'", '(ge WhenCreated @2026-01-31T00:00:00.000Z)'],
    ["WhenCreated -ge '2026-01-31T10:00:00Z'", '(ge WhenCreated @2026-01-31T10:00:00.000Z)'],
    ["WhenCreated -ge '2026-01-31T10:00:00.5+02:00'", '(ge WhenCreated @2026-01-31T08:00:00.500Z)'],
    ["WhenCreated -ge '2026-01-31 10:00'", '(ge WhenCreated @2026-01-31T10:00:00.000Z)'],
    ["WhenCreated -lt '1/31/2026'", '(lt WhenCreated @2026-01-31T00:00:00.000Z)'],
    ["WhenCreated -lt '1/31/2026 10:30 PM'", '(lt WhenCreated @2026-01-31T22:30:00.000Z)'],
    ["WhenCreated -lt '1/31/2026 12:00 AM'", '(lt WhenCreated @2026-01-31T00:00:00.000Z)'],
    ["WhenCreated -lt '1/31/2026 12:15:07 pm'", '(lt WhenCreated @2026-01-31T12:15:07.000Z)'],
    ["WhenChanged -eq '2/29/2024 23:59:59'", '(eq WhenChanged @2024-02-29T23:59:59.000Z)'],
    ["WhenChanged -eq ''", '(eq WhenChanged $null)'],
    ['WhenChanged -gt 2026-11-01', '(gt WhenChanged @2026-11-01T00:00:00.000Z)'],
    ['WhenChanged -gt 11/1/2026', '(gt WhenChanged @2026-11-01T00:00:00.000Z)'],
  ];
  for (const [filter, expected] of cases) {
    it(filter, () => assert.equal(shape(parseFilter(filter)), expected));
  }

  it('records source offsets on every node', () => {
    const filter = "-not (Name -eq 'a') -and City -like 'b*'";
    const ast = parseFilter(filter);
    assert.equal(ast.kind, 'and');
    if (ast.kind !== 'and') return;
    assert.deepEqual([ast.start, ast.end], [0, filter.length]);
    const [not, like] = ast.operands;
    assert.equal(filter.slice(not?.start, not?.end), "-not (Name -eq 'a')");
    assert.equal(filter.slice(like?.start, like?.end), "City -like 'b*'");
    if (not?.kind !== 'not') return assert.fail('expected not');
    assert.equal(filter.slice(not.operand.start, not.operand.end), "(Name -eq 'a')");
  });

  it("names the schema's property by its own spelling and type, nothing of its storage", () => {
    const ast = parseFilter("department -eq 'x'");
    assert.equal(ast.kind, 'comparison');
    if (ast.kind !== 'comparison') return;
    assert.deepEqual(ast.property, { name: 'Department', type: 'string' });
  });

  it('records the source and the spans of the property and the value, for back-ends that locate errors', () => {
    const filter = "Name -eq 'a' -or City -like 'b*'";
    const ast = parseFilter(filter);
    if (ast.kind !== 'or') return assert.fail('expected or');
    const city = ast.operands[1];
    if (city?.kind !== 'comparison') return assert.fail('expected a comparison');
    assert.equal(city.source, filter);
    assert.equal(filter.slice(city.propertySpan.start, city.propertySpan.end), 'City');
    assert.equal(filter.slice(city.valueSpan.start, city.valueSpan.end), "'b*'");
  });
});

describe('parseFilter: invalid filters', () => {
  const cases: [string, RegExp, number][] = [
    [
      "Departmnet -eq 'Sales'",
      new RegExp(
        `^Invalid filter: unknown property 'Departmnet' at column 1\\. Did you mean 'Department'\\? Filterable properties: Department, (\\w+, ){3}\\w+ … and ${MAILBOX_FILTER_SCHEMA.properties.length - 5} more; every property of \`casctl get-casmailbox --property '\\*' -o list\` but Identity is filterable\\.\n`,
      ),
      1,
    ],
    ["Name -eq 'a' -and Tilte -eq 'b'", /unknown property 'Tilte'.*Did you mean 'Title'/, 19],
    ["Frobnicate -eq 'b'", /unknown property 'Frobnicate' at column 1\. Filterable properties:/, 1],
    ['', /the filter is empty/, 1],
    ['   ', /the filter is empty/, 4],
    ['{}', /expected a property name, found '}'/, 2],
    ['{ Name -eq 1', /expected -and, -or or '}', found the end of the filter/, 13],
    ['{ Name -eq 1 } -and City -eq 2', /expected the end of the filter after the closing }, found -and/, 16],
    ["Name -eq 'a' City -eq 'b'", /expected -and, -or or the end of the filter, found 'City'/, 14],
    ["(Name -eq 'a'", /expected -and, -or or '\)', found the end of the filter at column 14\. The '\(' at column 1 is not closed/, 14],
    ["Name -eq 'a')", /expected -and, -or or the end of the filter, found '\)'/, 13],
    ["Name 'a'", /expected a comparison operator after Name, found the text 'a'/, 6],
    ["Name -and 'a'", /expected a comparison operator after Name, found -and/, 6],
    ['Name -eq', /expected a value after -eq, found the end of the filter/, 9],
    ['Name -eq Sales', /expected a value after -eq, found 'Sales'.*Quote text values: 'Sales'/, 10],
    ["'Sales' -eq Department", /expected a property name, found the text 'Sales'/, 1],
    ["Name -eq 'a' -and", /expected a property name, found the end of the filter/, 18],
    ["-not", /expected a property name, found the end of the filter/, 5],
    ["Name -eq 'a' -or -or City -eq 'b'", /expected a property name, found -or/, 18],
    // Types.
    ['PopEnabled -eq 1', /PopEnabled is \$true or \$false, not the number 1/, 16],
    ["PopEnabled -eq 'False'", /PopEnabled is \$true or \$false, not the text 'False'/, 16],
    ['PopEnabled -lt $true', /-lt cannot compare PopEnabled \(a boolean\)/, 12],
    ["PopEnabled -like '*'", /-like cannot compare PopEnabled \(a boolean\)/, 12],
    ["WhenCreated -like '2026*'", /-like cannot compare WhenCreated \(a date\)/, 13],
    ['Name -eq $true', /Name is text, not \$true/, 10],
    ['WhenCreated -eq 2026', /WhenCreated is a date, not the number 2026/, 17],
    ['PopEnabled -eq ', /expected a value after -eq, found the end of the filter.*your shell removed it: quote the filter in single quotes, e\.g\. --filter 'PopEnabled -eq \$false'/, 16],
    ['(ImapEnabled -ne ) -or Name -eq 1', /found '\)'.*your shell removed it/, 18],
    ['PopEnabled -eq false', /Write \$false \(with the dollar sign/, 16],
    ["PopEnabled -eq 'TRUE'", /is \$true or \$false, not the text 'TRUE'.*Write \$true/, 16],
    ['Department -eq ', /expected a value after -eq.*Department takes quoted text/, 16],
    ['WhenCreated -gt $true', /WhenCreated is a date, not \$true/, 17],
    ["WhenCreated -gt 'yesterday'", /invalid date 'yesterday' for WhenCreated/, 17],
    ["WhenCreated -gt '2/30/2026'", /invalid date '2\/30\/2026'/, 17],
    ["WhenCreated -gt '2025-02-29'", /invalid date/, 17],
    ["WhenCreated -gt '2026-01-31T24:00:00Z'", /invalid date/, 17],
    ["WhenCreated -gt '1/31/2026 13:00 PM'", /invalid date/, 17],
    ["WhenCreated -gt '2026-01-31T10:00+25:00'", /invalid date/, 17],
    ["WhenCreated -gt '0000-01-01T00:00:00+01:00'", /invalid date/, 17],
    ['Name -lt $null', /-lt needs a value, not \$null or ''/, 10],
    ["Name -ge ''", /-ge needs a value/, 10],
    ['WhenCreated -gt $null', /-gt needs a value/, 17],
    ["Name -eq 'a\u0000b'", /NUL/, 10],
  ];
  for (const [filter, message, column] of cases) {
    it(`rejects ${JSON.stringify(filter)}`, () => {
      assert.throws(
        () => parseFilter(filter),
        (error: unknown) => {
          assert.ok(error instanceof FilterSyntaxError, String(error));
          assert.match(error.message, message);
          assert.equal(error.column, column, error.message);
          return true;
        },
      );
    });
  }

  it('shows the filter and a caret under the offending token', () => {
    const error = catchError(() => parseFilter("Departmnet -eq 'Sales'"));
    const lines = error.message.split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[1], "  Departmnet -eq 'Sales'");
    assert.equal(lines[2], '  ^^^^^^^^^^');
    assert.equal(error.offset, 0);
  });

  it('counts columns in code points and keeps the caret aligned', () => {
    const error = catchError(() => parseFilter("Name -eq '😀' -and Citty -eq 'x'"));
    // 19 UTF-16 units precede 'Citty' but only 18 code points: the emoji is one column.
    assert.equal(error.offset, 19);
    assert.equal(error.column, 19);
    const [, line, caret] = error.message.split('\n');
    assert.equal(Array.from(line ?? '').indexOf('C'), Array.from(caret ?? '').indexOf('^'));
  });

  it('keeps control characters out of the message', () => {
    const error = catchError(() => parseFilter("Name -eq 'a'\n-and \u001b[2J -eq 1"));
    assert.ok(!error.message.includes('\u001b'));
    assert.equal(error.message.split('\n').length, 3);
  });

  it('limits nesting instead of overflowing the stack', () => {
    const deep = `${'('.repeat(10_000)}Name -eq 'a'${')'.repeat(10_000)}`;
    assert.match(catchError(() => parseFilter(deep)).message, /nests deeper than 100 levels/);
    const nots = `${'-not '.repeat(10_000)}Name -eq 'a'`;
    assert.match(catchError(() => parseFilter(nots)).message, /nests deeper than 100 levels/);
    assert.equal(shape(parseFilter(`${'('.repeat(100)}Name -eq 'a'${')'.repeat(100)}`)), "(eq Name 'a')");
  });

  it("leaves a store's limits to the store: long patterns and many comparisons parse", () => {
    assert.equal(parseFilter(`Name -like '*${'é'.repeat(10_000)}'`).kind, 'comparison');
    const many = Array.from({ length: 1001 }, (_, i) => `Name -eq '${i}'`).join(' -or ');
    assert.equal(parseFilter(many).kind, 'or');
  });
});

function catchError(run: () => unknown): FilterSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a FilterSyntaxError');
}

describe('FilterSyntaxError', () => {
  it('shows a window of a long filter around the error', () => {
    const filter = `${"Name -eq 'a' -and ".repeat(20)}Nme -eq 'b'${" -and Name -eq 'a'".repeat(20)}`;
    const error = catchError(() => parseFilter(filter));
    const [, line = '', caret = ''] = error.message.split('\n');
    assert.ok(line.length < 110, line);
    assert.match(line, /^ {2}….*…$/);
    assert.equal(line.slice(caret.indexOf('^'), caret.indexOf('^') + 3), 'Nme');
    assert.equal(caret.trim(), '^^^');
  });

  it('points past the end for a filter that stops short', () => {
    const error = new FilterSyntaxError('expected a value', 'Name -eq', 8, 8);
    assert.equal(error.column, 9);
    assert.equal(error.message.split('\n')[2], `  ${' '.repeat(8)}^`);
  });
});
