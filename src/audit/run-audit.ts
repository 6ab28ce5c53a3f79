import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { Mailbox } from '../core/mailbox.js';
import { PLAN_FIELDS, type PlannedMailbox } from '../core/plan.js';
import { MAILBOX_FILTER_SCHEMA, mailboxMatches } from '../core/properties.js';
import { perCasSetting, type CasSettingName } from '../core/protocols.js';
import { isWithin, resolveOrganizationalUnit, selectMailboxes, type NamedIdentity, type Selection, type SelectionProblem } from '../core/select.js';
import { parseFilter, type FilterAst } from '../filter/index.js';
import { openIdentitySource } from '../input/identity-file.js';
import { identitiesFrom } from '../input/identity-source.js';
import type { DirectoryStore, MailboxQuery } from '../store/directory-store.js';
import type { AuditPolicy, AuditRule, IdentitySource } from './policy.js';
import { contradictionError, ContradictionFinder } from './contradictions.js';
import { shortText } from './short-text.js';

/** The mailbox, as planning reads it (its CAS settings included), and why it breaks the rule. */
export interface Violation extends PlannedMailbox {
  Reason: string;
  /** The settings that would satisfy the rule (none for a `max` rule: which to disable is the admin's call). */
  fix: Partial<Record<CasSettingName, boolean>>;
}

export interface RuleResult {
  rule: AuditRule;
  /** Mailboxes the rule covers, exceptions left out. */
  selected: number;
  violations: Violation[];
  /**
   * Identities the rule names (in `identities` or a `file`) that name no mailbox, or several: the
   * rule cannot vouch for them, so it fails. A typo must not turn CI green.
   */
  errors: string[];
}

const shown = (value: boolean): string => (value ? 'True' : 'False');

/** The mailboxes that break an `expect`: any expected setting differs. Pushed down with the rule's own filter. */
function violationFilter(expect: Partial<Record<CasSettingName, boolean>>): FilterAst {
  const text = Object.entries(expect).map(([name, value]) => `${name} -ne $${String(value)}`).join(' -or ');
  return parseFilter(text, MAILBOX_FILTER_SCHEMA);
}

function both(a: FilterAst | undefined, b: FilterAst): FilterAst {
  return a === undefined ? b : { kind: 'and', operands: [a, b], start: 0, end: 0 };
}

/**
 * What a violation shows, and what --fix plans from: read for violators only, so a big audit
 * reads six columns, not forty, and --fix need not read its mailboxes again.
 */
type Violator = PlannedMailbox;

function expectViolation(mailbox: Violator, rule: AuditRule): Violation | null {
  const wrong = Object.entries(rule.expect ?? {}).filter(([name, value]) => mailbox[name as CasSettingName] !== value);
  if (wrong.length === 0) return null;
  return {
    ...identity(mailbox),
    Reason: wrong.map(([name, value]) => `${name} is ${shown(!value)}, expected ${shown(value)}`).join('; '),
    fix: Object.fromEntries(wrong),
  };
}

function identity(mailbox: Violator): Omit<Violation, 'Reason' | 'fix'> {
  return {
    Guid: mailbox.Guid,
    Name: mailbox.Name,
    PrimarySmtpAddress: mailbox.PrimarySmtpAddress,
    IsAdministrator: mailbox.IsAdministrator,
    ...perCasSetting((p) => mailbox[p.property]),
  };
}

/** A rule's identities to select by; a file's lines appear in messages only as a short prefix, whatever the file is. */
function byIdentity(source: IdentitySource, stdin: Readable): Pick<Selection, 'identities' | 'wildcards' | 'showIdentity'> {
  return { identities: named(source, stdin), wildcards: true, ...('file' in source ? { showIdentity: shortText } : {}) };
}

async function* named(source: IdentitySource, stdin: Readable): AsyncGenerator<NamedIdentity[]> {
  if ('list' in source) {
    yield source.list;
    return;
  }
  const label = basename(source.file);
  for await (const batch of identitiesFrom(openIdentitySource(source.file, stdin), label)) {
    yield batch.map((entry) => ({ identity: entry.identity, source: `${label}:${entry.line}` }));
  }
}

/**
 * Checks every rule against the store and changes nothing. Rules without identities push their
 * filter, and the negation of what they expect, down to the store, so only violators are read;
 * unless another rule expects a setting of theirs the other way: then every mailbox they cover is
 * read, and rules that expect opposite values of one mailbox are a policy error (exit 2).
 */
export async function runAudit(
  store: DirectoryStore,
  policy: AuditPolicy,
  stdin: Readable,
  report: (problem: SelectionProblem) => void,
  stale: (rule: AuditRule, problem: SelectionProblem) => void,
): Promise<RuleResult[]> {
  const contradictions = new ContradictionFinder(policy.rules);
  const results: RuleResult[] = [];
  for (const [index, rule] of policy.rules.entries()) {
    const ou = rule.organizationalUnit === undefined ? undefined : await resolveOrganizationalUnit(store, rule.organizationalUnit);
    const scope: MailboxQuery = { ...(ou === undefined ? {} : { organizationalUnit: ou }), ...(rule.filter === undefined ? {} : { filter: rule.filter }) };
    const inScope = (m: Mailbox): boolean => (ou === undefined || isWithin(m.OrganizationalUnit, ou)) && (rule.filter === undefined || mailboxMatches(rule.filter, m));

    const excepted = new Map<string, Mailbox>();
    // An exception that names nothing is stale, not a failure: nobody is let off by it.
    const exceptionProblem = (problem: SelectionProblem): void => (problem.kind === 'duplicate' ? report(problem) : stale(rule, problem));
    const errors: string[] = [];
    const identityProblem = (problem: SelectionProblem): void => {
      if (problem.kind !== 'duplicate') errors.push(problem.message);
      report(problem);
    };
    if (rule.except !== undefined) {
      for await (const { mailbox } of selectMailboxes(store, byIdentity(rule.except, stdin), exceptionProblem)) {
        excepted.set(mailbox.Guid, mailbox);
      }
    }
    let selected = 0;
    const violations: Violation[] = [];
    const matched: Violator[] = [];
    /** A mailbox of the rule's selection, read in full. */
    const covers = (mailbox: Violator): void => {
      if (excepted.has(mailbox.Guid)) return;
      selected++;
      const violation = expectViolation(mailbox, rule);
      if (violation !== null) violations.push(violation);
      if (rule.max !== undefined) matched.push(mailbox);
      contradictions.cover(index, mailbox);
    };
    if (rule.identities !== undefined || rule.max !== undefined) {
      // Every covered mailbox is needed: a max rule lists them all when there are too many.
      const selection = rule.identities === undefined
        ? { ...scope, wildcards: true }
        : { ...scope, ...byIdentity(rule.identities, stdin) };
      for await (const { mailbox } of selectMailboxes(store, selection, identityProblem)) covers(mailbox);
    } else if (contradictions.watches(rule)) {
      for await (const page of store.findMailboxes(scope, PLAN_FIELDS)) for (const mailbox of page) covers(mailbox);
    } else {
      const exceptedInScope = [...excepted.values()].filter(inScope).length;
      selected = (await store.countMailboxes(scope)) - exceptedInScope;
      for await (const page of store.findMailboxes({ ...scope, filter: both(rule.filter, violationFilter(rule.expect ?? {})) }, PLAN_FIELDS)) {
        for (const mailbox of page) {
          if (excepted.has(mailbox.Guid)) continue;
          const violation = expectViolation(mailbox, rule);
          if (violation !== null) violations.push(violation);
        }
      }
    }
    if (rule.max !== undefined && selected > rule.max) {
      const reason = `one of ${selected} mailboxes the rule covers; at most ${rule.max} may`;
      const listed = new Map(violations.map((v) => [v.Guid, v]));
      for (const mailbox of matched) {
        const existing = listed.get(mailbox.Guid);
        if (existing !== undefined) existing.Reason = `${existing.Reason}; ${reason}`;
        else violations.push({ ...identity(mailbox), Reason: reason, fix: {} });
      }
    }
    results.push({ rule, selected, violations, errors });
  }
  const found = contradictions.contradictions();
  if (found.length > 0) throw contradictionError(policy, found);
  return results;
}
