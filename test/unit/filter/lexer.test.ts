import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterSyntaxError } from '../../../src/filter/errors.js';
import { tokenize, type Token } from '../../../src/filter/lexer.js';

/** Tokens as compact strings: kind, value, [start,end). */
function show(token: Token): string {
  const span = `@${token.start}-${token.end}`;
  switch (token.kind) {
    case 'operator':
      return `-${token.name}${span}`;
    case 'string':
      return `str(${token.value})${span}`;
    case 'number':
      return `num(${token.text})${span}`;
    case 'constant':
      return `${String(token.value)}${span}`;
    case 'word':
      return `word(${token.text})${span}`;
    default:
      return `${token.kind}${span}`;
  }
}

describe('tokenize', () => {
  const cases: [string, string[]][] = [
    ["Name -eq 'x'", ['word(Name)@0-4', '-eq@5-8', 'str(x)@9-12', 'eof@12-12']],
    ['a -EQ b -Like c -NotLike d -AND -Or -nOt', ['word(a)@0-1', '-eq@2-5', 'word(b)@6-7', '-like@8-13', 'word(c)@14-15', '-notlike@16-24', 'word(d)@25-26', '-and@27-31', '-or@32-35', '-not@36-40', 'eof@40-40']],
    ['-ne -lt -gt -le -ge', ['-ne@0-3', '-lt@4-7', '-gt@8-11', '-le@12-15', '-ge@16-19', 'eof@19-19']],
    ["{(x)}", ['{@0-1', '(@1-2', 'word(x)@2-3', ')@3-4', '}@4-5', 'eof@5-5']],
    ["'it''s'", ["str(it's)@0-7", 'eof@7-7']],
    ["''", ['str()@0-2', 'eof@2-2']],
    ['"say ""hi"""', ['str(say "hi")@0-12', 'eof@12-12']],
    ['"`$x `" ``"', ['str($x " `)@0-11', 'eof@11-11']],
    ['"a`b"', ['str(a`b)@0-5', 'eof@5-5']],
    ["'`$x'", ['str(`$x)@0-5', 'eof@5-5']],
    ['$true $FALSE $Null', ['true@0-5', 'false@6-12', 'null@13-18', 'eof@18-18']],
    ['`$false `$True', ['false@0-7', 'true@8-14', 'eof@14-14']],
    ['42 -7 3.50 007', ['num(42)@0-2', 'num(-7)@3-5', 'num(3.50)@6-10', 'num(007)@11-14', 'eof@14-14']],
    ['x-eq 1', ['word(x)@0-1', '-eq@1-4', 'num(1)@5-6', 'eof@6-6']],
    ['  \t\u00a0', ['eof@4-4']],
    ['Départment', ['word(Départment)@0-10', 'eof@10-10']],
    // Dates typed without quotes read as the quoted text would (the property's type decides).
    ['2026-11-01 11/1/2026 2026-11-01T08:00:00Z', ['str(2026-11-01)@0-10', 'str(11/1/2026)@11-20', 'str(2026-11-01T08:00:00Z)@21-41', 'eof@41-41']],
    ['2026', ['num(2026)@0-4', 'eof@4-4']],
  ];
  for (const [source, expected] of cases) {
    it(JSON.stringify(source), () => assert.deepEqual(tokenize(source).map(show), expected));
  }

  const errors: [string, RegExp, number][] = [
    ["Name -eq 'x", /unterminated string/, 10],
    ['Name -eq "x""', /unterminated string/, 10],
    ['Name -equals 1', /unknown operator '-equals'/, 6],
    ['Name -lke 1', /unknown operator '-lke'.*Did you mean .*'-like'/, 6],
    ['Name - eq', /'-' must start an operator/, 6],
    ['$maybe', /unknown variable '\$maybe'/, 1],
    ['$', /unknown variable '\$'/, 1],
    ['12ab', /invalid number '12ab'/, 1],
    ['1.2.3', /invalid number/, 1],
    ['Name = 1', /unexpected character '='.*Use -eq/, 6],
    ['Name -eq \u2018x\u2019', /unexpected character '\u2018'.*straight quotes/, 10],
    ['Name \u2013eq 1', /unexpected character '\u2013'.*plain '-'/, 6],
    ['! x', /unexpected character '!'.*-not/, 1],
    ['😀x #', /unexpected character '😀'/, 1],
    ['x \u001b[31m', /unexpected character '\\u001b'/, 3],
  ];
  for (const [source, message, column] of errors) {
    it(`rejects ${JSON.stringify(source)}`, () => {
      assert.throws(
        () => tokenize(source),
        (error: unknown) => error instanceof FilterSyntaxError && message.test(error.message) && error.column === column,
      );
    });
  }
});
