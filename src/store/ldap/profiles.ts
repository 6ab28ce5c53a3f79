import { INET_ORG_PERSON_ATTRIBUTES, type LdapMapping } from './mapping.js';

/**
 * iRedMail on OpenLDAP, from its published schema facts: a domain is
 * `domainName=<domain>,o=domains,<suffix>` (objectClass mailDomain), a mailbox is
 * `mail=<address>,ou=Users,domainName=<domain>,o=domains,<suffix>` (objectClass mailUser, with
 * inetOrgPerson), its aliases are shadowAddress values, and its services are enabledService
 * values that iRedMail's Dovecot filter asks for as `enabledService=%Ls%Lc` (2.3) or
 * `%{protocol | lower}%{secured | lower}` (2.4): `imap` for a plain login, `imapsecured` or
 * `imaptls` for a secured one. So each protocol is every variant iRedMail's own tools write for
 * a new user, set and cleared together.
 *
 * Its webmail logs in over IMAP, so OWAEnabled has no switch of its own: it reads as ImapEnabled
 * and cannot be set. SMTP AUTH is the smtp values alone, so it never follows an organisation
 * default. No mailbox is the Administrator: iRedMail's Dovecot does not apply casctl's rule, so
 * a mailbox casctl reported as refused would still log in (a generic profile may name a marker).
 */
export const IREDMAIL_PROFILE: LdapMapping = {
  profile: 'iredmail',
  mailboxes: { base: 'o=domains', scope: 'sub', filter: '(objectClass=mailUser)' },
  organizationalUnits: { base: 'o=domains', scope: 'one', filter: '(objectClass=mailDomain)' },
  // iRedMail keeps no id of its own; the server's entryUUID survives renames and moves.
  guid: 'entryUUID',
  attributes: {
    // The RDN: the address, unique in the directory.
    Name: 'mail',
    DisplayName: 'cn',
    Alias: 'uid',
    SamAccountName: null,
    UserPrincipalName: null,
    PrimarySmtpAddress: 'mail',
    // iRedMail's mailboxes are inetOrgPerson entries; it keeps no country (inetOrgPerson has no c).
    ...INET_ORG_PERSON_ATTRIBUTES,
    CountryOrRegion: null,
    RecipientTypeDetails: null,
  },
  emailAddresses: ['mail', 'shadowAddress'],
  customAttributePrefix: null,
  switches: {
    attribute: 'enabledService',
    protocols: {
      pop3: ['pop3', 'pop3secured', 'pop3tls'],
      imap: ['imap', 'imapsecured', 'imaptls'],
      owa: { follows: 'imap' },
      smtp: ['smtp', 'smtpsecured', 'smtptls'],
      sieve: ['sieve', 'sievesecured', 'managesieve', 'managesievesecured'],
    },
  },
  settingAttributes: {},
  useDefaultsAttributes: {},
  administrator: null,
  ownsEntries: false,
};

/** The profiles `casctl init --profile` and the configuration's `"ldap": { "profile": "<name>" }` name. */
export const BUILT_IN_PROFILES: ReadonlyMap<string, LdapMapping> = new Map([[IREDMAIL_PROFILE.profile as string, IREDMAIL_PROFILE]]);
