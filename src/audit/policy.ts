import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Alias } from 'yaml';
import { UsageError } from '../core/errors.js';
import { MAILBOX_FILTER_SCHEMA } from '../core/properties.js';
import { readAtMost } from '../input/bounded-read.js';
import { CAS_SETTINGS, isNullable, protocolOf, type CasSettings, type SettingValue } from '../core/protocols.js';
import type { NamedIdentity } from '../core/select.js';
import { FilterSyntaxError, parseFilter, type FilterAst } from '../filter/index.js';
import { shortText } from './short-text.js';
import { LAST_LOGON_PROTOCOLS, recordedProtocols } from '../core/last-logons.js';
import { parseUnusedPeriod, type UnusedLimit } from './unused-for.js';

/** One rule of an audit policy (README "Audits"; schema/casctl-policy.schema.json). */
export interface AuditRule {
  name: string;
  /** Where the rule is in the policy (`policy.yml:7:5`), for messages about it. */
  at?: string;
  organizationalUnit?: string;
  filter?: FilterAst;
  filterText?: string;
  /** The mailboxes the rule covers, by identity; else every mailbox its OU and filter select. */
  identities?: IdentitySource;
  expect?: CasSettings;
  /**
   * `expect: plan`: every CAS setting of each covered mailbox as the effective CAS mailbox plan of
   * its current OU would give a new mailbox there; the settings in `expect` override it.
   */
  plan?: boolean;
  max?: number;
  /** Each recorded protocol the rule checks, and how long a covered mailbox may leave it enabled and unused. */
  unusedFor?: UnusedLimit[];
  except?: IdentitySource;
}

/** Identities listed in the policy, or a file of them (one per line, as --file reads it), relative to the policy's directory. */
export type IdentitySource = { list: NamedIdentity[] } | { file: string };

export interface AuditPolicy {
  path: string;
  rules: AuditRule[];
}

export interface ReadPolicyOptions {
  /** `--allow-outside-files`: a rule's file may lie outside the policy's directory. */
  allowOutsideFiles: boolean;
}

/** A policy is rules written by hand, a few KiB; identities in bulk belong in a rule's file. */
export const MAX_POLICY_BYTES = 10 * 1024 * 1024;

/**
 * How far YAML aliases may expand (the yaml package's maxAliasCount, here stated rather than
 * defaulted): an anchor for a shared `expect` used by dozens of rules is fine, a "billion laughs"
 * of nested aliases that would expand to gigabytes is refused.
 */
export const MAX_ALIAS_COUNT = 100;

const RULE_KEYS = ['name', 'organizationalUnit', 'filter', 'identities', 'file', 'expect', 'max', 'unusedFor', 'except', 'exceptFile'];

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
export async function readPolicy(path: string, options: ReadPolicyOptions): Promise<AuditPolicy> {
  let bytes: Buffer | null;
  try {
    bytes = readAtMost(path, MAX_POLICY_BYTES).bytes;
  } catch (error) {
    throw new UsageError(`Cannot read the policy '${path}': ${(error as Error).message}`);
  }
  if (bytes === null) throw new UsageError(`The policy '${path}' is larger than ${MAX_POLICY_BYTES / 1024 / 1024} MiB; list identities in bulk in a rule's "file" instead.`);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const { parseDocument, LineCounter, isNode, isMap, isScalar, visit } = await import('yaml');
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const [syntax] = document.errors;
  if (syntax !== undefined) {
    const at = counter.linePos(syntax.pos[0]);
    throw new PolicyError(`${path}:${at.line}:${at.col}: ${syntax.message.split('\n')[0]}`);
  }
  const where = (offset: number): string => {
    const pos = counter.linePos(offset);
    return `${path}:${pos.line}:${pos.col}`;
  };
  let firstAlias: Alias | undefined;
  visit(document, {
    Alias(_, alias) {
      firstAlias ??= alias;
      if (alias.resolve(document) === undefined) throw new PolicyError(`${where(alias.range?.[0] ?? 0)}: the alias *${shortText(alias.source)} names no anchor (&${shortText(alias.source)}) before it`);
    },
  });
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
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // All aliases resolve (checked above), so this is yaml's expansion limit.
    if (error instanceof ReferenceError && firstAlias !== undefined) {
      throw new PolicyError(`${where(firstAlias.range?.[0] ?? 0)}: the aliases expand to more than ${MAX_ALIAS_COUNT} copies; a policy needs no "billion laughs"`);
    }
    throw error;
  }
  return { path, rules: validate(value, located, options) };
}

function fail(located: Located, at: readonly (string | number)[], message: string): never {
  throw new PolicyError(`${located.line(at)}: ${message}`);
}

function failAtKey(located: Located, at: readonly (string | number)[], message: string): never {
  throw new PolicyError(`${located.key(at)}: ${message}`);
}

function validate(policy: unknown, located: Located, options: ReadPolicyOptions): AuditRule[] {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) fail(located, [], 'a policy is a mapping with a "rules" list');
  const { rules, ...rest } = policy as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) failAtKey(located, [extra], `unknown key '${extra}'; a policy has only "rules"`);
  if (!Array.isArray(rules) || rules.length === 0) fail(located, ['rules'], '"rules" must be a non-empty list');
  const names = new Set<string>();
  return rules.map((raw, index) => {
    const rule = validateRule(raw, ['rules', index], located, options);
    if (names.has(rule.name)) fail(located, ['rules', index, 'name'], `two rules are named '${rule.name}'`);
    names.add(rule.name);
    return rule;
  });
}

function validateRule(raw: unknown, at: (string | number)[], located: Located, options: ReadPolicyOptions): AuditRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(located, at, 'a rule is a mapping with at least "name" and "expect", "max" or "unusedFor"');
  const rule = raw as Record<string, unknown>;
  for (const key of Object.keys(rule)) {
    if (!RULE_KEYS.includes(key)) failAtKey(located, [...at, key], `unknown key '${key}'; a rule has ${RULE_KEYS.join(', ')}`);
  }
  const name = rule.name;
  if (typeof name !== 'string' || name.trim() === '') fail(located, [...at, 'name'], 'every rule needs a "name"');
  const result: AuditRule = { name: name.trim(), at: located.line(at) };

  if (rule.organizationalUnit !== undefined) {
    if (typeof rule.organizationalUnit !== 'string') fail(located, [...at, 'organizationalUnit'], '"organizationalUnit" must be a string');
    result.organizationalUnit = rule.organizationalUnit;
  }
  if (rule.filter !== undefined) {
    if (typeof rule.filter !== 'string') fail(located, [...at, 'filter'], '"filter" must be a string (an OPATH filter)');
    try {
      result.filter = parseFilter(rule.filter, MAILBOX_FILTER_SCHEMA);
      result.filterText = rule.filter;
    } catch (error) {
      if (error instanceof FilterSyntaxError) fail(located, [...at, 'filter'], error.message);
      throw error;
    }
  }
  const files = { ...options, rule: result.name };
  const identities = identitySource(rule, 'identities', 'file', at, located, files);
  if (identities !== undefined) result.identities = identities;
  const except = identitySource(rule, 'except', 'exceptFile', at, located, files);
  if (except !== undefined) result.except = except;

  if (rule.expect === 'plan') {
    result.plan = true;
  } else if (rule.expect !== undefined) {
    if (typeof rule.expect !== 'object' || rule.expect === null || Array.isArray(rule.expect)) {
      fail(located, [...at, 'expect'], `"expect" is plan, or maps settings to booleans, e.g. { ${CAS_SETTINGS[0]}: false } or { plan: true, ${CAS_SETTINGS[0]}: false }`);
    }
    const expect: CasSettings = {};
    for (const [key, value] of Object.entries(rule.expect)) {
      if (key === 'plan') {
        if (value !== true) fail(located, [...at, 'expect', key], '"plan" can only be true (leave it out to check the settings alone)');
        result.plan = true;
        continue;
      }
      const setting = CAS_SETTINGS.find((s) => s.toLowerCase() === key.toLowerCase());
      if (setting === undefined) failAtKey(located, [...at, 'expect', key], `'${key}' is not a setting casctl audits; use plan, ${CAS_SETTINGS.join(' or ')}`);
      // null: the mailbox follows the organisation default (a nullable setting only).
      const nullable = isNullable(protocolOf(setting));
      if (typeof value !== 'boolean' && !(nullable && value === null)) fail(located, [...at, 'expect', key], `${setting} must be true or false${nullable ? ' or null' : ''}`);
      (expect as Record<string, SettingValue>)[setting] = value as SettingValue;
    }
    if (Object.keys(expect).length === 0 && result.plan !== true) fail(located, [...at, 'expect'], '"expect" names no setting');
    if (Object.keys(expect).length > 0) result.expect = expect;
  }
  if (rule.max !== undefined) {
    if (typeof rule.max !== 'number' || !Number.isInteger(rule.max) || rule.max < 0) fail(located, [...at, 'max'], '"max" must be a whole number ≥ 0');
    result.max = rule.max;
  }
  if (rule.unusedFor !== undefined) {
    // A rule of its own: its violators are found by their logins, not by their settings or number.
    const other = ['expect', 'max'].find((key) => rule[key] !== undefined);
    if (other !== undefined) failAtKey(located, [...at, 'unusedFor'], `"unusedFor" is a rule of its own: put "${other}" in another rule`);
    result.unusedFor = unusedLimits(rule.unusedFor, [...at, 'unusedFor'], located);
  }
  if (result.expect === undefined && result.plan !== true && result.max === undefined && result.unusedFor === undefined) {
    fail(located, at, `rule '${result.name}' states nothing: give "expect", "max" or both, or "unusedFor"`);
  }
  return result;
}

const RECORDED = LAST_LOGON_PROTOCOLS.map((p) => p.property).join(' or ');
const PER_SETTING = `{ ${LAST_LOGON_PROTOCOLS.map((p, i) => `${p.property}: ${i === 0 ? '90d' : '26w'}`).join(', ')} }`;

/**
 * `90d`: every protocol whose logins are recorded wherever Dovecot records any (POP3, IMAP4; not
 * OWA, recorded apart only where webmail networks are configured and only since the Dovecot
 * configuration says so, so a bare period written before would turn the webmail off for everyone);
 * `{ PopEnabled: 90d, OWAEnabled: 26w }`: the recorded protocols named, each with its own period.
 */
function unusedLimits(value: unknown, at: (string | number)[], located: Located): UnusedLimit[] {
  const limit = (period: unknown, where: (string | number)[]): { days: number; text: string } => {
    const parsed = parseUnusedPeriod(period);
    if ('error' in parsed) fail(located, where, `"unusedFor": ${parsed.error}`);
    return parsed;
  };
  if (typeof value !== 'object' || value === null) {
    const period = limit(value, at);
    return recordedProtocols(false).map((protocol) => ({ protocol, ...period }));
  }
  if (Array.isArray(value)) fail(located, at, `"unusedFor" is a period (90d) or maps settings to periods, e.g. ${PER_SETTING}`);
  const limits: UnusedLimit[] = [];
  for (const [key, period] of Object.entries(value)) {
    const protocol = LAST_LOGON_PROTOCOLS.find((p) => p.property.toLowerCase() === key.toLowerCase());
    if (protocol === undefined) {
      const setting = CAS_SETTINGS.find((s) => s.toLowerCase() === key.toLowerCase());
      const why = setting === undefined ? 'is not a setting' : 'is a setting whose logins are not recorded';
      failAtKey(located, [...at, key], `'${key}' ${why}; "unusedFor" takes ${RECORDED}`);
    }
    limits.push({ protocol, ...limit(period, [...at, key]) });
  }
  if (limits.length === 0) fail(located, at, '"unusedFor" names no setting');
  return limits;
}

function identitySource(
  rule: Record<string, unknown>,
  listKey: string,
  fileKey: string,
  at: (string | number)[],
  located: Located,
  files: ReadPolicyOptions & { rule: string },
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
    const directory = resolve(dirname(located.path));
    const path = resolve(directory, file);
    const outside = files.allowOutsideFiles ? null : leaves(directory, path);
    if (outside !== null) {
      fail(located, [...at, fileKey], `rule '${files.rule}': "${fileKey}" names '${shortText(file)}', ${outside}; a policy reads only files in its own directory and below (pass --allow-outside-files to casctl audit to allow others)`);
    }
    return { file: path };
  }
  return undefined;
}

/**
 * Why `path` is not inside `directory`, or null when it is. A policy is data that CI jobs and
 * colleagues edit, and casctl may run as root; without this a rule could name /etc/shadow and have
 * its lines printed back as identities not found. Symlinks count by where they lead; a file that
 * does not exist is left to the read, which says so.
 */
function leaves(directory: string, path: string): string | null {
  if (!isInside(directory, path)) return `which is outside the policy's directory ${directory}`;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  const realDirectory = realpathSync(directory);
  return isInside(realDirectory, real) ? null : `which leads (through a symlink) to ${real}, outside the policy's directory ${realDirectory}`;
}

function isInside(directory: string, path: string): boolean {
  const rest = relative(directory, path);
  return rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}
