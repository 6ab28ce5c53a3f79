import { counted } from '../core/counted.js';
import type { Mailbox } from '../core/mailbox.js';
import { printable } from '../core/printable.js';
import { valueAdmitting, type CasSettingName, type CasSettings, type SettingValue } from '../core/protocols.js';
import { UsageError } from '../core/errors.js';
import type { AuditPolicy, AuditRule } from './policy.js';

type Named = Pick<Mailbox, 'Guid' | 'Name' | 'PrimarySmtpAddress'>;

/** Two rules that expect opposite values of one setting for the same mailboxes: no directory passes both. */
export interface Contradiction {
  setting: CasSettingName;
  /** The earlier rule of the policy, then the later. */
  rules: [AuditRule, AuditRule];
  /** The earlier rule's value, and the other value the later one expects. */
  expected: SettingValue;
  against: SettingValue;
  /** How many mailboxes both rules cover, exceptions left out. */
  mailboxes: number;
  sample: Pick<Mailbox, 'Name' | 'PrimarySmtpAddress'>;
}

/** Per mailbox, the indexes of the rules that expect each value of the setting ($null too, for a nullable one). */
type Demands = Map<SettingValue, number[]>;

/**
 * Finds contradicting rules against the store, while the audit reads each rule's mailboxes: per
 * setting, each mailbox maps to the rules that expect it on and off, so the cost grows with the
 * mailboxes times the rules that cover each, never with pairs of mailboxes. Only settings that
 * some rules expect on and others off are tracked: for any other policy this costs nothing.
 */
export class ContradictionFinder {
  private readonly demands = new Map<CasSettingName, Map<string, Demands>>();
  private readonly found = new Map<string, Contradiction>();

  constructor(private readonly rules: readonly AuditRule[]) {
    const expected = new Map<CasSettingName, Set<SettingValue>>();
    for (const rule of rules) {
      for (const [setting, value] of expectations(rule)) {
        const values = expected.get(setting) ?? new Set<SettingValue>();
        expected.set(setting, values.add(value));
      }
    }
    for (const [setting, values] of expected) if (values.size > 1) this.demands.set(setting, new Map());
  }

  /** Whether every mailbox the rule covers must be read: it expects a setting that another rule expects the other way. */
  watches(rule: AuditRule): boolean {
    return expectations(rule).some(([setting]) => this.demands.has(setting));
  }

  /**
   * A mailbox rule `index` covers (and does not except), in policy order: rule by rule. `settings`:
   * what the rule demands of this mailbox, where that is not the same for all it covers (an
   * `unusedFor` rule demands its protocols off of the mailboxes that leave them unused, and nothing of the rest).
   */
  cover(index: number, mailbox: Named, settings?: CasSettings): void {
    const rule = this.rules[index] as AuditRule;
    for (const [setting, value] of settings === undefined ? expectations(rule) : (Object.entries(settings) as [CasSettingName, SettingValue][])) {
      const byMailbox = this.demands.get(setting);
      if (byMailbox === undefined) continue;
      let demands = byMailbox.get(mailbox.Guid);
      if (demands === undefined) {
        demands = new Map();
        byMailbox.set(mailbox.Guid, demands);
      }
      const same = demands.get(value) ?? [];
      demands.set(value, same);
      // A rule reaches a mailbox once; should it name it twice, it is still one demand.
      if (same.at(-1) === index) continue;
      for (const [otherValue, others] of demands) {
        if (otherValue === value) continue;
        for (const other of others) this.count(other, index, setting, otherValue, value, mailbox);
      }
      same.push(index);
    }
  }

  private count(earlier: number, later: number, setting: CasSettingName, expected: SettingValue, against: SettingValue, mailbox: Named): void {
    const key = `${earlier}:${later}:${setting}`;
    const known = this.found.get(key);
    if (known !== undefined) {
      known.mailboxes++;
      return;
    }
    const rules: [AuditRule, AuditRule] = [this.rules[earlier] as AuditRule, this.rules[later] as AuditRule];
    this.found.set(key, { setting, rules, expected, against, mailboxes: 1, sample: { Name: mailbox.Name, PrimarySmtpAddress: mailbox.PrimarySmtpAddress } });
  }

  /** Every pair of rules that contradict, in the order the audit met them. */
  contradictions(): Contradiction[] {
    return [...this.found.values()];
  }
}

/** What a rule may demand of a mailbox it covers: its `expect`, or turning off the protocols of its `unusedFor`. */
function expectations(rule: AuditRule): [CasSettingName, SettingValue][] {
  const unused = (rule.unusedFor ?? []).map(({ protocol }): [CasSettingName, SettingValue] => [protocol.property, valueAdmitting(protocol, false)]);
  return [...(Object.entries(rule.expect ?? {}) as [CasSettingName, SettingValue][]), ...unused];
}

/** At most this many pairs are listed: a policy with more has one mistake repeated, not that many. */
const LISTED = 10;

const shown = (value: SettingValue): string => (value === null ? '$null' : value ? 'True' : 'False');

function ruleName(rule: AuditRule): string {
  return `rule '${printable(rule.name)}'${rule.at === undefined ? '' : ` (${rule.at})`}`;
}

/** An `unusedFor` rule expects a protocol off only where it goes unused: the message says so. */
const unused = (rule: AuditRule): string => (rule.unusedFor === undefined ? '' : ' (unusedFor: they leave it unused)');

function describe({ setting, rules: [earlier, later], expected, against, mailboxes, sample }: Contradiction): string {
  return (
    `  ${ruleName(earlier)} expects ${setting} ${shown(expected)}${unused(earlier)} and ${ruleName(later)} expects ${shown(against)}${unused(later)} ` +
    `of the same ${counted(mailboxes, 'mailbox', 'mailboxes')}, e.g. ${printable(sample.Name)} <${printable(sample.PrimarySmtpAddress)}>`
  );
}

/** The policy error: exit 2, nothing reported, nothing fixed (a fix would only flip-flop between the rules). */
export function contradictionError(policy: AuditPolicy, contradictions: readonly Contradiction[]): UsageError {
  const more = contradictions.length > LISTED ? [`  ... and ${counted(contradictions.length - LISTED, 'more pair')}`] : [];
  return new UsageError(
    [
      `${policy.path}: rules contradict each other: a mailbox both cover fails one of them whatever its settings, and --fix would only trade one failure for the other:`,
      ...contradictions.slice(0, LISTED).map(describe),
      ...more,
      'Settle each: an exception (except: or exceptFile:) in one of the rules, or rules that cover fewer mailboxes.',
    ].join('\n'),
  );
}
