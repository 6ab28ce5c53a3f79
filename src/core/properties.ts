import { createFilterSchema, evaluateFilter, type FilterAst, type FilterProperty, type FilterSchema, type PropertyValue } from '../filter/index.js';
import { LAST_LOGON_FILTER_PROPERTIES, lastLogonFilterProperty } from './last-logon-properties.js';
import type { MailboxLastLogons } from './last-logons.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, type Mailbox, type MailboxField } from './mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS } from './protocols.js';

/**
 * The filterable properties of DESIGN.md §2 and how a mailbox holds each. The filter language
 * parses against this schema; each store maps the names to its own storage (a SQLite column,
 * an LDAP attribute), so a property added here is filterable once every store maps it.
 */
export interface MailboxProperty extends FilterProperty {
  /** The value(s) on an in-memory mailbox. */
  read(mailbox: Mailbox): PropertyValue;
  /** The mailbox fields `read` reads: what a store must read for a filter it re-checks in memory. */
  fields: readonly MailboxField[];
}

function text(name: MailboxField): MailboxProperty {
  return { name, type: 'string', multiValued: false, read: (mailbox) => mailbox[name] as string | null, fields: [name] };
}

function flag(name: MailboxField, read: (mailbox: Mailbox) => boolean | null): MailboxProperty {
  return { name, type: 'boolean', multiValued: false, read, fields: [name] };
}

function date(name: 'WhenCreated' | 'WhenChanged'): MailboxProperty {
  return { name, type: 'date', multiValued: false, read: (mailbox) => mailbox[name], fields: [name] };
}

export const PROPERTIES: readonly MailboxProperty[] = [
  text('Guid'),
  text('DistinguishedName'),
  text('Name'),
  text('DisplayName'),
  text('Alias'),
  text('SamAccountName'),
  text('UserPrincipalName'),
  text('PrimarySmtpAddress'),
  {
    name: 'EmailAddresses',
    type: 'string',
    multiValued: true,
    // Proxy addresses are stored bare: `smtp:a@b` in a filter means `a@b`.
    normaliseText: (value) => value.replace(/^smtp:/i, ''),
    read: (mailbox) => mailbox.EmailAddresses,
    fields: ['EmailAddresses'],
  },
  text('OrganizationalUnit'),
  text('Department'),
  text('Title'),
  text('Company'),
  text('Office'),
  text('City'),
  text('StateOrProvince'),
  text('CountryOrRegion'),
  ...CUSTOM_ATTRIBUTE_NUMBERS.map(
    (n): MailboxProperty => ({
      name: `CustomAttribute${n}`,
      type: 'string',
      multiValued: false,
      read: (mailbox) => mailbox.CustomAttributes[n - 1] ?? null,
      fields: ['CustomAttributes'],
    }),
  ),
  // Every kind of mailbox is a UserMailbox recipient in Exchange; the details tell them apart.
  { name: 'RecipientType', type: 'string', multiValued: false, read: () => 'UserMailbox', fields: [] },
  text('RecipientTypeDetails'),
  // A mailbox's Enabled settings are its effective values: the Administrator mailbox reads as
  // disabled whatever is stored (DESIGN.md §2), which each store's mapping keeps too. A nullable
  // setting is the mailbox's own value: `-eq $null` selects the mailboxes that follow the organisation.
  ...PROTOCOLS.map((protocol) => flag(protocol.property, (mailbox) => mailbox[protocol.property])),
  ...USE_DEFAULTS_PROTOCOLS.map((protocol) => flag(protocol.useDefaultsProperty, (mailbox) => mailbox[protocol.useDefaultsProperty])),
  date('WhenCreated'),
  date('WhenChanged'),
];

/**
 * What `-Filter` may name: the schema the filter parser checks a mailbox filter against. The
 * store's properties, and the recorded logins' (core/last-logon-properties.ts), which no store
 * maps: selecting splits a filter naming those (core/filter-split.ts).
 */
export const MAILBOX_FILTER_SCHEMA: FilterSchema = createFilterSchema(
  [...PROPERTIES, ...LAST_LOGON_FILTER_PROPERTIES],
  `Department -eq 'Sales' -and ${PROTOCOLS[0].property} -eq $true`,
  "every property of `casctl get-casmailbox --property '*' -o list` but Identity is filterable",
);

const byName = new Map(PROPERTIES.map((property) => [property.name, property]));

interface Subject {
  mailbox: Mailbox;
  logons: MailboxLastLogons | undefined;
}

function readProperty({ mailbox, logons }: Subject, name: string): PropertyValue {
  const property = byName.get(name);
  if (property !== undefined) return property.read(mailbox);
  const logon = lastLogonFilterProperty(name);
  if (logon === undefined) throw new Error(`A filter names '${name}', which is no mailbox property.`);
  // Not joined is a caller's bug, never "no login": that would select whoever it should not.
  if (logons === undefined) throw new Error(`A filter names '${name}', but no recorded logins were joined to the mailbox.`);
  return logon.read(logons);
}

/**
 * Whether a mailbox matches a filter parsed against MAILBOX_FILTER_SCHEMA, in memory. `logons`:
 * the mailbox's recorded logins (lastLogonsOf), needed when the filter names them.
 */
export function mailboxMatches(ast: FilterAst, mailbox: Mailbox, logons?: MailboxLastLogons): boolean {
  return evaluateFilter(ast, { mailbox, logons }, readProperty);
}

/** The mailbox fields a filter reads: a mailbox read with these (and its logins, when it names them) is enough for mailboxMatches. */
export function filterFields(ast: FilterAst): MailboxField[] {
  const fields = new Set<MailboxField>();
  const visit = (node: FilterAst): void => {
    if (node.kind === 'comparison') for (const field of byName.get(node.property.name)?.fields ?? []) fields.add(field);
    else if (node.kind === 'not') visit(node.operand);
    else node.operands.forEach(visit);
  };
  visit(ast);
  return [...fields];
}
