import fc from 'fast-check';
import { PROPERTIES } from '../../../src/core/properties.js';
import type { FilterProperty } from '../../../src/filter/index.js';
import { nonEmptyText, PIECES, text } from './directory.js';

/**
 * Random filter TEXT (not ASTs), valid by construction, so the property tests exercise the
 * lexer and parser too: random operator case, both quote styles and their escapes, US and
 * ISO dates, `$false and `$false, braces, parentheses, -not.
 */

const interesting = ['Name', 'Department', 'EmailAddresses', 'PopEnabled', 'ImapEnabled', 'WhenCreated', 'RecipientType', 'OrganizationalUnit', 'CustomAttribute1', 'Alias'];
const storeProperty: fc.Arbitrary<FilterProperty> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROPERTIES.filter((p) => interesting.includes(p.name))) },
  { weight: 1, arbitrary: fc.constantFrom(...PROPERTIES) },
);

/** `-eq`, `-EQ`, `-Eq`: PowerShell operators ignore case. */
function operatorText(name: string): fc.Arbitrary<string> {
  return fc.constantFrom(`-${name}`, `-${name.toUpperCase()}`, `-${name[0]?.toUpperCase()}${name.slice(1)}`);
}

export function quoted(value: string): fc.Arbitrary<string> {
  const single = `'${value.replaceAll("'", "''")}'`;
  const double = `"${value.replace(/[`"$]/g, (c) => (c === '"' ? '""' : `\`${c}`))}"`;
  return fc.constantFrom(single, double);
}

const nullLiteral = fc.constantFrom('$null', '$NULL', '`$null');
const boolLiteral = fc.constantFrom('$true', '$false', '$True', '$FALSE', '`$false', '`$true');

/** The same instants as DATES in directory.ts, in the spellings users type. */
const dateLiteral = fc.constantFrom(
  '2025-12-31T23:59:59.999Z',
  '2026-01-31',
  '1/31/2026',
  '01/31/2026 12:00 AM',
  '2026-01-31T10:00:00Z',
  '2026-01-31 11:00:00+01:00',
  '1/31/2026 10:00 AM',
  '1/31/2026 10:00',
  '2/1/2026',
  '2026-01-31T09:59:59.9999Z',
);

/** An address literal that can match the generated ones, sometimes with an smtp: prefix. */
const addressLiteral = fc
  .tuple(text, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom('', 'smtp:', 'SMTP:'), fc.constantFrom('example.com', 'EXAMPLE.com'))
  .map(([local, index, k, prefix, domain]) => `${prefix}${local}.${index}.${k}@${domain}`);

const likePattern = fc
  .array(fc.constantFrom(...PIECES, '*', '*', '*'), { minLength: 1, maxLength: 4 })
  .map((pieces) => pieces.join(''));

/** Sometimes a value the directory really holds, so that equalities and orderings hit exactly. */
function withKnown(arbitrary: fc.Arbitrary<string>, known: readonly string[]): fc.Arbitrary<string> {
  const usable = known.filter((value) => value !== '');
  return usable.length === 0 ? arbitrary : fc.oneof(arbitrary, fc.constantFrom(...usable));
}

function comparison(p: FilterProperty, known: readonly string[]): fc.Arbitrary<string> {
  const name = fc.constantFrom(p.name, p.name.toLowerCase(), p.name.toUpperCase());
  let rest: fc.Arbitrary<[string, string]>;
  switch (p.type) {
    case 'boolean':
      rest = fc.tuple(fc.constantFrom('eq', 'ne'), fc.oneof(boolLiteral, nullLiteral));
      break;
    case 'date':
      rest = fc.oneof(
        fc.tuple(fc.constantFrom('eq', 'ne', 'lt', 'gt', 'le', 'ge'), dateLiteral.chain(quoted)),
        fc.tuple(fc.constantFrom('eq', 'ne'), nullLiteral),
      );
      break;
    case 'string': {
      const equalValue = withKnown(p.multiValued ? fc.oneof(addressLiteral, text) : text, known);
      const orderValue = withKnown(p.multiValued ? fc.oneof(addressLiteral, nonEmptyText) : nonEmptyText, known);
      rest = fc.oneof(
        fc.tuple(fc.constantFrom('eq', 'ne'), equalValue.chain(quoted)),
        fc.tuple(fc.constantFrom('eq', 'ne', 'like', 'notlike'), nullLiteral),
        fc.tuple(fc.constantFrom('like', 'notlike'), likePattern.chain(quoted)),
        fc.tuple(fc.constantFrom('lt', 'gt', 'le', 'ge'), orderValue.chain(quoted)),
        fc.tuple(fc.constantFrom('eq', 'ne', 'lt', 'ge'), fc.constantFrom('1', '01', '1.0', '-1')),
      );
      break;
    }
  }
  return fc
    .tuple(name, rest)
    .chain(([n, [operator, value]]) => operatorText(operator).map((o) => `${n} ${o} ${value}`));
}

/**
 * Filters whose literals are drawn partly from `known`: property name → values in the directory.
 * `extra`: properties besides the store's to name as often as those (the recorded logins').
 */
export function filterText(known: ReadonlyMap<string, readonly string[]> = new Map(), extra: readonly FilterProperty[] = []): fc.Arbitrary<string> {
  const property = extra.length === 0 ? storeProperty : fc.oneof(storeProperty, fc.constantFrom(...extra));
  const leaf = property.chain((p) => comparison(p, known.get(p.name) ?? []));
  return fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      fc.tuple(tie('node'), operatorText('and'), tie('node')).map(([a, o, b]) => `${a} ${o} ${b}`),
      fc.tuple(tie('node'), operatorText('or'), tie('node')).map(([a, o, b]) => `${a} ${o} ${b}`),
      fc.tuple(operatorText('not'), tie('node')).map(([o, a]) => `${o} (${a})`),
      fc.tuple(operatorText('not'), leaf).map(([o, a]) => `${o} ${a}`),
      tie('node').map((a) => `(${a})`),
    ),
  }))
  .node.chain((node) => fc.constantFrom(node, `{${node}}`, ` { ${node} } `));
}
