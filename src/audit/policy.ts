import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { CasSettingName } from '../store/directory-store.js';
import type { NamedIdentity } from '../core/select.js';
import type { FilterAst } from '../filter/ast.js';
import { FilterSyntaxError, parseFilter } from '../filter/index.js';

/** One rule of an audit policy (README "Audits"; schema/casctl-policy.schema.json). */
export interface AuditRule {
  name: string;
  organizationalUnit?: string;
  filter?: FilterAst;
  filterText?: string;
  /** The mailboxes the rule covers, by identity; else every mailbox its OU and filter select. */
  identities?: IdentitySource;
  expect?: Partial<Record<CasSettingName, boolean>>;
  max?: number;
  except?: IdentitySource;
}

/** Identities listed in the policy, or a file of them (one per line, as --file reads it), relative to the policy. */
export type IdentitySource = { list: NamedIdentity[] } | { file: string };

export interface AuditPolicy {
  path: string;
  rules: AuditRule[];
}

const RULE_KEYS = ['name', 'organizationalUnit', 'filter', 'identities', 'file', 'expect', 'max', 'except', 'exceptFile'];
const SETTINGS: readonly CasSettingName[] = ['PopEnabled', 'ImapEnabled'];

/** A policy mistake, located: `policy.yml:7:5: ...`. */
class PolicyError extends UsageError {}

interface Located {
  path: string;
  /** `file:line:col` of the value at a path (or of its nearest located parent). */
  line(at: readonly (string | number)[]): string;
  /** `file:line:col` of the key that ends a path: where a misspelt key is. */
  key(at: readonly (string | number)[]): string;
}

/**
 * Reads a YAML or JSON policy (JSON is YAML) and validates it completely; every mistake is a
 * usage error naming the file, line and column, and nothing runs until the policy is sound.
 */
export async function readPolicy(path: string): Promise<AuditPolicy> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(`Cannot read the policy '${path}': ${(error as Error).message}`);
  }
  const { parseDocument, LineCounter, isNode, isMap, isScalar } = await import('yaml');
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const [syntax] = document.errors;
  if (syntax !== undefined) {
    const at = counter.linePos(syntax.pos[0]);
    throw new PolicyError(`${path}:${at.line}:${at.col}: ${syntax.message.split('\n')[0]}`);
  }
  const located: Located = {
    path,
    line(at) {
      for (let depth = at.length; depth >= 0; depth--) {
        const node = depth === 0 ? document.contents : document.getIn(at.slice(0, depth), true);
        if (isNode(node) && node.range !== undefined && node.range !== null) {
          const pos = counter.linePos(node.range[0]);
          return `${path}:${pos.line}:${pos.col}`;
        }
      }
      return path;
    },
    key(at) {
      const parent = at.length === 1 ? document.contents : document.getIn(at.slice(0, -1), true);
      const name = at[at.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === name);
        if (pair !== undefined && isNode(pair.key) && pair.key.range != null) {
          const pos = counter.linePos(pair.key.range[0]);
          return `${path}:${pos.line}:${pos.col}`;
        }
      }
      return this.line(at);
    },
  };
  return { path, rules: validate(document.toJS() as unknown, located) };
}

function fail(located: Located, at: readonly (string | number)[], message: string): never {
  throw new PolicyError(`${located.line(at)}: ${message}`);
}

function failAtKey(located: Located, at: readonly (string | number)[], message: string): never {
  throw new PolicyError(`${located.key(at)}: ${message}`);
}

function validate(policy: unknown, located: Located): AuditRule[] {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) fail(located, [], 'a policy is a mapping with a "rules" list');
  const { rules, ...rest } = policy as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) failAtKey(located, [extra], `unknown key '${extra}'; a policy has only "rules"`);
  if (!Array.isArray(rules) || rules.length === 0) fail(located, ['rules'], '"rules" must be a non-empty list');
  const names = new Set<string>();
  return rules.map((raw, index) => {
    const rule = validateRule(raw, ['rules', index], located);
    if (names.has(rule.name)) fail(located, ['rules', index, 'name'], `two rules are named '${rule.name}'`);
    names.add(rule.name);
    return rule;
  });
}

function validateRule(raw: unknown, at: (string | number)[], located: Located): AuditRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(located, at, 'a rule is a mapping with at least "name" and "expect" or "max"');
  const rule = raw as Record<string, unknown>;
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.includes(key)) failAtKey(located, [...at, key], `unknown key '${key}'; a rule has ${RULE_KEYS.join(', ')}`);
  }
  const name = rule.name;
  if (typeof name !== 'string' || name.trim() === '') fail(located, [...at, 'name'], 'every rule needs a "name"');
  const result: AuditRule = { name: name.trim() };

  if (rule.organizationalUnit !== undefined) {
    if (typeof rule.organizationalUnit !== 'string') fail(located, [...at, 'organizationalUnit'], '"organizationalUnit" must be a string');
    result.organizationalUnit = rule.organizationalUnit;
  }
  if (rule.filter !== undefined) {
    if (typeof rule.filter !== 'string') fail(located, [...at, 'filter'], '"filter" must be a string (an OPATH filter)');
    try {
      result.filter = parseFilter(rule.filter);
      result.filterText = rule.filter;
    } catch (error) {
      if (error instanceof FilterSyntaxError) fail(located, [...at, 'filter'], error.message);
      throw error;
    }
  }
  const identities = identitySource(rule, 'identities', 'file', at, located);
  if (identities !== undefined) result.identities = identities;
  const except = identitySource(rule, 'except', 'exceptFile', at, located);
  if (except !== undefined) result.except = except;

  if (rule.expect !== undefined) {
    if (typeof rule.expect !== 'object' || rule.expect === null || Array.isArray(rule.expect)) fail(located, [...at, 'expect'], '"expect" maps settings to booleans, e.g. { PopEnabled: false }');
    const expect: Partial<Record<CasSettingName, boolean>> = {};
    for (const [key, value] of Object.entries(rule.expect)) {
      const setting = SETTINGS.find((s) => s.toLowerCase() === key.toLowerCase());
      if (setting === undefined) failAtKey(located, [...at, 'expect', key], `'${key}' is not a setting casctl audits; use ${SETTINGS.join(' or ')}`);
      if (typeof value !== 'boolean') fail(located, [...at, 'expect', key], `${setting} must be true or false`);
      expect[setting] = value;
    }
    if (Object.keys(expect).length === 0) fail(located, [...at, 'expect'], '"expect" names no setting');
    result.expect = expect;
  }
  if (rule.max !== undefined) {
    if (typeof rule.max !== 'number' || !Number.isInteger(rule.max) || rule.max < 0) fail(located, [...at, 'max'], '"max" must be a whole number ≥ 0');
    result.max = rule.max;
  }
  if (result.expect === undefined && result.max === undefined) fail(located, at, `rule '${result.name}' states nothing: give "expect", "max" or both`);
  return result;
}

function identitySource(
  rule: Record<string, unknown>,
  listKey: string,
  fileKey: string,
  at: (string | number)[],
  located: Located,
): IdentitySource | undefined {
  const list = rule[listKey];
  const file = rule[fileKey];
  if (list !== undefined && file !== undefined) fail(located, [...at, fileKey], `give "${listKey}" or "${fileKey}", not both`);
  if (list !== undefined) {
    if (!Array.isArray(list) || !list.every((i): i is string => typeof i === 'string' && i.trim() !== '')) {
      fail(located, [...at, listKey], `"${listKey}" must be a list of identities (addresses, names, Guids, ...)`);
    }
    return { list: list.map((identity, i) => ({ identity: identity.trim(), source: located.line([...at, listKey, i]) })) };
  }
  if (file !== undefined) {
    if (typeof file !== 'string' || file === '') fail(located, [...at, fileKey], `"${fileKey}" must be a path`);
    return { file: resolve(dirname(located.path), file) };
  }
  return undefined;
}
