import { effectiveEnabled } from '../../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, MAILBOX_FIELDS, RECIPIENT_TYPE_DETAILS, type Mailbox, type MailboxField, type RecipientTypeDetails } from '../../core/mailbox.js';
import { isNullable, perCasSetting, perUseDefaults, type CasSettingName, type NullableProtocol, type Protocol, type ProtocolWithDefaults, type UseDefaultsName } from '../../core/protocols.js';
import type { LdapEntry } from './connection.js';
import type { DirectoryLayout } from './layout.js';
import { isAdministratorEntry, isoFromGeneralizedTime } from './entries.js';
import { CASCTL_MAPPING, type LdapMapping, type TextProperty } from './mapping.js';
import { enablesProtocol, settingValueOf } from './protocol-values.js';

/** One entry being read: what several fields share (its place in the tree, the Administrator marker) is worked out once. */
class EntryReading {
  private place: { name: string; container: string | null } | undefined;
  private marked: boolean | undefined;

  constructor(
    readonly entry: LdapEntry,
    readonly layout: DirectoryLayout,
  ) {}

  get mapping(): LdapMapping {
    return this.layout.mapping;
  }

  text(attribute: string | null | undefined): string | null {
    return attribute === null || attribute === undefined ? null : this.entry.first(attribute);
  }

  property(p: TextProperty): string | null {
    return this.text(this.mapping.attributes[p]);
  }

  placeInTree(): { name: string; container: string | null } {
    this.place ??= this.layout.nameAndContainer(this.entry.dn);
    return this.place;
  }

  administrator(): boolean {
    this.marked ??= isAdministratorEntry(this.entry, this.mapping);
    return this.marked;
  }
}

interface FieldSource<F extends MailboxField> {
  /** The attributes the field is read from; null or undefined where the mapping has none. */
  attributes: (mapping: LdapMapping) => readonly (string | null | undefined)[];
  read: (reading: EntryReading) => Mailbox[F];
}

const text = (p: TextProperty) => ({ attributes: (m: LdapMapping) => [m.attributes[p]], read: (r: EntryReading) => r.property(p) ?? '' });
const optional = (p: TextProperty) => ({ attributes: (m: LdapMapping) => [m.attributes[p]], read: (r: EntryReading) => r.property(p) });
const timestamp = (attribute: string) => ({ attributes: () => [attribute], read: (r: EntryReading) => isoFromGeneralizedTime(r.text(attribute)) });
const customAttributes = (m: LdapMapping): string[] => (m.customAttributePrefix === null ? [] : CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `${m.customAttributePrefix ?? ''}${n}`));

/**
 * The Administrator mailbox never uses a protocol the rule covers, whatever the entry says
 * (DESIGN.md §2). A nullable setting is the value as set, not the switch values it leads to.
 */
function access(protocol: Protocol): FieldSource<CasSettingName> {
  if (isNullable(protocol)) {
    const nullable = protocol as NullableProtocol;
    return {
      attributes: (m) => [m.settingAttributes[nullable.name] ?? m.switches.attribute],
      read: (r) => settingValueOf(r.entry, nullable, r.mapping),
    };
  }
  return {
    attributes: (m) => [m.switches.attribute, m.administrator?.attribute],
    read: (r) => effectiveEnabled(protocol, r.administrator(), enablesProtocol(r.entry, protocol, r.mapping)),
  };
}

/** Absent (or no attribute in the mapping) reads as the Exchange default, true. */
const useDefaults = (protocol: ProtocolWithDefaults): FieldSource<UseDefaultsName> => ({
  attributes: (m) => [m.useDefaultsAttributes[protocol.name]],
  read: (r) => r.text(r.mapping.useDefaultsAttributes[protocol.name])?.toUpperCase() !== 'FALSE',
});

/** Where each Mailbox field comes from in an entry of the mapping: a read asks only for the attributes of the fields it needs. */
const SOURCES: { readonly [F in MailboxField]: FieldSource<F> } = {
  Guid: { attributes: (m) => [m.guid], read: (r) => r.text(r.mapping.guid) ?? '' },
  DistinguishedName: { attributes: () => [], read: (r) => r.entry.dn },
  // Name and OrganizationalUnit come from the DN; a DN whose leaf has no value falls back to the Name attribute.
  Name: {
    attributes: (m) => [m.attributes.Name],
    read: (r) => {
      const { name } = r.placeInTree();
      return name === '' ? (r.property('Name') ?? '') : name;
    },
  },
  DisplayName: text('DisplayName'),
  Alias: text('Alias'),
  SamAccountName: text('SamAccountName'),
  UserPrincipalName: text('UserPrincipalName'),
  PrimarySmtpAddress: { attributes: (m) => [m.attributes.PrimarySmtpAddress], read: (r) => (r.property('PrimarySmtpAddress') ?? '').toLowerCase() },
  // None held: the primary address alone.
  EmailAddresses: {
    attributes: (m) => [...m.emailAddresses, m.attributes.PrimarySmtpAddress],
    read: (r) => {
      const addresses = r.mapping.emailAddresses.flatMap((attribute) => r.entry.values(attribute));
      if (addresses.length > 0) return addresses;
      const primary = (r.property('PrimarySmtpAddress') ?? '').toLowerCase();
      return primary === '' ? [] : [primary];
    },
  },
  OrganizationalUnit: { attributes: () => [], read: (r) => r.placeInTree().container ?? '' },
  Department: optional('Department'),
  Title: optional('Title'),
  Company: optional('Company'),
  Office: optional('Office'),
  City: optional('City'),
  StateOrProvince: optional('StateOrProvince'),
  CountryOrRegion: optional('CountryOrRegion'),
  CustomAttributes: {
    attributes: customAttributes,
    read: (r) => (r.mapping.customAttributePrefix === null ? CUSTOM_ATTRIBUTE_NUMBERS.map(() => null) : customAttributes(r.mapping).map((a) => r.text(a))),
  },
  RecipientTypeDetails: {
    attributes: (m) => [m.attributes.RecipientTypeDetails],
    read: (r) => {
      const type = r.property('RecipientTypeDetails') ?? '';
      return (RECIPIENT_TYPE_DETAILS as readonly string[]).includes(type) ? (type as RecipientTypeDetails) : 'UserMailbox';
    },
  },
  IsAdministrator: { attributes: (m) => [m.administrator?.attribute], read: (r) => r.administrator() },
  // Each setting's reader returns its own field's type; the registry cannot say so per entry.
  ...(perCasSetting(access) as { [F in CasSettingName]: FieldSource<F> }),
  ...(perUseDefaults(useDefaults) as { [F in UseDefaultsName]: FieldSource<F> }),
  WhenCreated: timestamp('createTimestamp'),
  WhenChanged: timestamp('modifyTimestamp'),
};

/** How to read some fields of mailbox entries: the attributes to ask the server for, and the entry → object conversion. */
export interface MailboxProjection<F extends MailboxField> {
  /** What the fields are read from; may be empty (the DN alone): ask with searchAttributes. */
  readonly attributes: readonly string[];
  toMailbox(entry: LdapEntry): Pick<Mailbox, F>;
}

/** The attributes of the mapping the fields are read from (never userPassword). */
export function fieldAttributes(mapping: LdapMapping, fields: readonly MailboxField[]): string[] {
  const named = fields.flatMap((field) => SOURCES[field].attributes(mapping));
  return [...new Set(named.filter((a): a is string => a !== null && a !== undefined))];
}

/** The attributes a search of several projections asks for: `1.1` for none, as [] would ask for every user attribute. */
export function searchAttributes(...projections: readonly Pick<MailboxProjection<MailboxField>, 'attributes'>[]): string[] {
  const attributes = [...new Set(projections.flatMap((p) => p.attributes))];
  return attributes.length === 0 ? ['1.1'] : attributes;
}

export function mailboxProjection<F extends MailboxField>(layout: DirectoryLayout, fields: readonly F[]): MailboxProjection<F> {
  const readers = [...new Set(fields)].map((field) => [field, SOURCES[field].read] as const);
  const attributes = fieldAttributes(layout.mapping, fields);
  return {
    attributes,
    toMailbox(entry) {
      const reading = new EntryReading(entry, layout);
      const mailbox: Partial<Record<MailboxField, unknown>> = {};
      for (const [field, read] of readers) mailbox[field] = read(reading);
      return mailbox as Pick<Mailbox, F>;
    },
  };
}

/** Every attribute a mailbox read of the mapping asks for. */
export function mailboxAttributes(mapping: LdapMapping): string[] {
  return fieldAttributes(mapping, MAILBOX_FIELDS);
}

/** Every attribute a mailbox read of casctl's schema asks for. */
export const MAILBOX_ATTRIBUTES: readonly string[] = mailboxAttributes(CASCTL_MAPPING);

const FULL = new WeakMap<DirectoryLayout, MailboxProjection<MailboxField>>();

/** The mailbox an entry holds, every field, with the effective CAS values (the Administrator reads disabled). */
export function entryToMailbox(entry: LdapEntry, layout: DirectoryLayout): Mailbox {
  let full = FULL.get(layout);
  if (full === undefined) {
    full = mailboxProjection(layout, MAILBOX_FIELDS);
    FULL.set(layout, full);
  }
  return full.toMailbox(entry);
}
