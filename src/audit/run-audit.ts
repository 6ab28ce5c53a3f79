import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { namesLastLogons } from '../core/last-logon-properties.js';
import type { LastLogonSource } from '../core/last-logons.js';
import type { Mailbox } from '../core/mailbox.js';
import { PLAN_FIELDS, type PlannedMailbox } from '../core/plan.js';
import { MAILBOX_FILTER_SCHEMA, mailboxMatches } from '../core/properties.js';
import { PROTOCOLS, perCasSetting, valueAdmitting, type CasSettingName, type CasSettings, type CasSettingValues, type SettingValue } from '../core/protocols.js';
import { effectiveEnabled } from '../core/administrator.js';
import { BUILT_IN, PlanBook } from '../core/mailbox-plans.js';
import { isWithin, resolveOrganizationalUnit, selectMailboxBatches, selectMailboxes, type NamedIdentity, type SelectedMailbox, type Selection, type SelectionProblem } from '../core/select.js';
import { parseFilter, type FilterAst } from '../filter/index.js';
import { openIdentitySource } from '../input/identity-file.js';
import { identitiesFrom } from '../input/identity-source.js';
import type { DirectoryStore, MailboxQuery, TransportConfig } from '../store/directory-store.js';
import type { AuditPolicy, AuditRule, IdentitySource } from './policy.js';
import { contradictionError, ContradictionFinder } from './contradictions.js';
import { shortText } from './short-text.js';
import { disabling, unusedProtocols, unusedReason, type UnusedLimit, type UnusedProtocol } from './unused-for.js';

/** The mailbox, as planning reads it (its CAS settings included), and why it breaks the rule. */
export interface Violation extends PlannedMailbox {
  Reason: string;
  /** The settings that would satisfy the rule (none for a `max` rule: which to disable is the admin's call). */
  fix: CasSettings;
  /** An `unusedFor` violation: each protocol the mailbox leaves unused, with its last login. */
  unused?: UnusedProtocol[];
}

/** Where an audit with `unusedFor` rules reads the logins, and the time it measures from. */
export interface LoginRecords {
  source: LastLogonSource;
  now: Date;
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

const shown = (value: SettingValue): string => (value === null ? '$null' : value ? 'True' : 'False');

/** The mailboxes that break an `expect`: any expected setting differs. Pushed down with the rule's own filter. */
function violationFilter(expect: CasSettings): FilterAst {
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
type Violator = PlannedMailbox & Pick<Mailbox, 'OrganizationalUnit'>;

/** What a violation needs of a mailbox: planning's fields, and the OU whose plan an `expect: plan` rule compares with. */
const AUDIT_FIELDS = [...PLAN_FIELDS, 'OrganizationalUnit'] as const;
/** An `unusedFor` rule also reads when each mailbox was created: a young one has not had the time to use its protocols. */
const UNUSED_FIELDS = [...AUDIT_FIELDS, 'WhenCreated'] as const;
type UnusedViolator = Violator & Pick<Mailbox, 'WhenCreated'>;

/** The mailboxes that may break an `unusedFor` rule: those with one of its protocols on (or following a default); the logins decide. */
function enabledFilter(rule: AuditRule): FilterAst {
  return parseFilter((rule.unusedFor ?? []).map(({ protocol }) => `${protocol.property} -ne $${String(valueAdmitting(protocol, false))}`).join(' -or '), MAILBOX_FILTER_SCHEMA);
}

interface Expected {
  property: CasSettingName;
  value: SettingValue;
  /** The plan scope that decided it (`Default`, an OU, BuiltIn); null for a setting the rule names itself. */
  plan: string | null;
}

/**
 * What a rule expects of a mailbox: with `plan`, every setting as its OU's effective plan gives it
 * (the Administrator's refused protocols off, as a new Administrator mailbox would be), then the
 * rule's own settings over it.
 */
function expectations(mailbox: Violator, rule: AuditRule, plans: PlanBook | undefined): Expected[] {
  const own = new Map(Object.entries(rule.expect ?? {}) as [CasSettingName, SettingValue][]);
  if (rule.plan !== true || plans === undefined) return [...own].map(([property, value]) => ({ property, value, plan: null }));
  const effective = plans.effective(mailbox.OrganizationalUnit);
  return PROTOCOLS.map((protocol): Expected => {
    const { property } = protocol;
    const explicit = own.get(property);
    if (explicit !== undefined) return { property, value: explicit, plan: null };
    const { value, source } = effective[property];
    return { property, value: value === null ? null : effectiveEnabled(protocol, mailbox.IsAdministrator, value), plan: source };
  });
}

function expectViolation(mailbox: Violator, rule: AuditRule, plans: PlanBook | undefined): Violation | null {
  const wrong = expectations(mailbox, rule, plans).filter((e) => mailbox[e.property] !== e.value);
  if (wrong.length === 0) return null;
  const decidedBy = (plan: string | null): string => (plan === null ? '' : plan === BUILT_IN ? ' (built-in default: no plan sets it)' : ` (plan '${plan}')`);
  return {
    ...identity(mailbox),
    Reason: wrong.map((e) => `${e.property} is ${shown(mailbox[e.property])}, expected ${shown(e.value)}${decidedBy(e.plan)}`).join('; '),
    // An expected $null is a value to set too: the mailbox then follows the organisation default.
    fix: Object.fromEntries(wrong.map((e) => [e.property, e.value])),
  };
}

function identity(mailbox: Violator): Omit<Violation, 'Reason' | 'fix'> {
  return {
    Guid: mailbox.Guid,
    Name: mailbox.Name,
    PrimarySmtpAddress: mailbox.PrimarySmtpAddress,
    IsAdministrator: mailbox.IsAdministrator,
    ...(perCasSetting((p) => mailbox[p.property]) as CasSettingValues),
  };
}

/** The mailboxes of a batch (their logins joined) that leave a protocol of the rule enabled and unused. */
function unusedViolations(batch: readonly SelectedMailbox<UnusedViolator>[], limits: readonly UnusedLimit[], records: LoginRecords, defaults: TransportConfig): Violation[] {
  const found: Violation[] = [];
  for (const { mailbox, logons } of batch) {
    const unused = unusedProtocols(mailbox, logons, limits, defaults, records.now, records.source.recordingSince);
    if (unused.length === 0) continue;
    found.push({ ...identity(mailbox), Reason: unusedReason(unused, records.source.retentionDays, records.now), fix: disabling(unused), unused });
  }
  return found;
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
 * read, and rules that expect opposite values of one mailbox are a policy error (exit 2). A rule
 * whose filter names recorded logins is selected with the logins of `records` joined, as
 * set-casmailbox selects. An `unusedFor` rule reads the mailboxes that have one of its protocols
 * on, with their logins joined a batch at a time; it expects those it finds unused to turn it off.
 */
export async function runAudit(
  store: DirectoryStore,
  policy: AuditPolicy,
  stdin: Readable,
  report: (problem: SelectionProblem) => void,
  stale: (rule: AuditRule, problem: SelectionProblem) => void,
  records?: LoginRecords,
): Promise<RuleResult[]> {
  const contradictions = new ContradictionFinder(policy.rules);
  // Read once: a directory has few plans, and every mailbox of a plan rule is compared with its OU's.
  const plans = policy.rules.some((rule) => rule.plan === true) ? new PlanBook(await store.getMailboxPlans()) : undefined;
  // Read once, for the first unusedFor rule: whether a $null setting admits its protocol.
  let defaults: TransportConfig | undefined;
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
      const violation = expectViolation(mailbox, rule, plans);
      if (violation !== null) violations.push(violation);
      if (rule.max !== undefined) matched.push(mailbox);
      contradictions.cover(index, mailbox);
    };
    // The store cannot decide a filter on logins alone: it is selected as set-casmailbox selects.
    const joined = namesLastLogons(rule.filter);
    const lastLogons = records?.source;
    if (rule.unusedFor !== undefined) {
      if (records === undefined) throw new Error(`rule '${rule.name}' has unusedFor, and the audit was given no recorded logins`);
      const organization = (defaults ??= await store.getTransportConfig());
      const check = (batch: readonly SelectedMailbox<UnusedViolator>[]): void => {
        for (const violation of unusedViolations(batch, rule.unusedFor ?? [], records, organization)) {
          violations.push(violation);
          contradictions.cover(index, violation, violation.fix);
        }
      };
      const kept = (batch: readonly SelectedMailbox<UnusedViolator>[]): SelectedMailbox<UnusedViolator>[] => batch.filter((s) => !excepted.has(s.mailbox.Guid));
      if (rule.identities !== undefined || joined) {
        // Who is covered is known only mailbox by mailbox: every one is read and counted.
        const selection = { ...scope, ...(rule.identities === undefined ? { wildcards: true } : byIdentity(rule.identities, stdin)), lastLogons: records.source };
        for await (const batch of selectMailboxBatches(store, selection, identityProblem, UNUSED_FIELDS)) {
          const covered = kept(batch);
          selected += covered.length;
          check(covered);
        }
      } else {
        selected = (await store.countMailboxes(scope)) - [...excepted.values()].filter(inScope).length;
        const selection = { ...scope, filter: both(rule.filter, enabledFilter(rule)), wildcards: true, lastLogons: records.source };
        for await (const batch of selectMailboxBatches(store, selection, identityProblem, UNUSED_FIELDS)) check(kept(batch));
      }
    } else if (rule.identities !== undefined || rule.max !== undefined || joined) {
      // Every covered mailbox is needed: a max rule lists them all when there are too many.
      const selection = {
        ...scope,
        ...(rule.identities === undefined ? { wildcards: true } : byIdentity(rule.identities, stdin)),
        ...(joined && lastLogons !== undefined ? { lastLogons } : {}),
      };
      for await (const { mailbox } of selectMailboxes(store, selection, identityProblem)) covers(mailbox);
    } else if (contradictions.watches(rule) || rule.plan === true) {
      // A plan rule expects per OU: no one filter says who breaks it, so every covered mailbox is read.
      for await (const page of store.findMailboxes(scope, AUDIT_FIELDS)) for (const mailbox of page) covers(mailbox);
    } else {
      const exceptedInScope = [...excepted.values()].filter(inScope).length;
      selected = (await store.countMailboxes(scope)) - exceptedInScope;
      for await (const page of store.findMailboxes({ ...scope, filter: both(rule.filter, violationFilter(rule.expect ?? {})) }, AUDIT_FIELDS)) {
        for (const mailbox of page) {
          if (excepted.has(mailbox.Guid)) continue;
          const violation = expectViolation(mailbox, rule, plans);
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
