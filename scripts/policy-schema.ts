/**
 * The JSON Schema of an audit policy (README "Audits"; src/audit/policy.ts reads policies), built
 * from the protocol registry so a new protocol's setting joins `expect` without a hand edit.
 * scripts/make-policy-schema.ts writes it to schema/casctl-policy.schema.json; a unit test fails
 * when the committed file differs from this.
 */
import { PROTOCOLS, isNullable, protocolList } from '../src/core/protocols.js';
import { LAST_LOGON_PROTOCOLS, recordedProtocols } from '../src/core/last-logons.js';
import { MAX_UNUSED_DAYS } from '../src/audit/unused-for.js';

export const POLICY_SCHEMA_PATH = 'schema/casctl-policy.schema.json';

export function policySchema(): object {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'casctl-policy.schema.json',
    title: 'casctl audit policy',
    description: `Named rules about who may use ${protocolList('and', PROTOCOLS)}; \`casctl audit <policy>\` checks them. YAML or JSON.`,
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      rules: { type: 'array', minItems: 1, items: { $ref: '#/$defs/rule' } },
    },
    $defs: {
      period: {
        type: 'string',
        pattern: '^\\s*[0-9]{1,6}\\s*[dDwW]\\s*$',
        description: `Days or weeks: 90d, 12w (from 1d to ${MAX_UNUSED_DAYS}d).`,
      },
      identities: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Mailbox identities: Name, Alias, address, Guid, DN, canonical name, DOMAIN\\user or UPN; * wildcards allowed.',
      },
      rule: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        anyOf: [{ required: ['expect'] }, { required: ['max'] }, { required: ['unusedFor'] }],
        not: {
          anyOf: [
            { required: ['identities', 'file'] },
            { required: ['except', 'exceptFile'] },
            { required: ['unusedFor', 'expect'] },
            { required: ['unusedFor', 'max'] },
          ],
        },
        properties: {
          name: { type: 'string', minLength: 1, description: 'Unique; the JUnit test case name.' },
          organizationalUnit: { type: 'string', description: 'OU name, canonical name, DN or Guid; child OUs included.' },
          filter: { type: 'string', description: 'An OPATH filter, as --filter takes it.' },
          identities: { $ref: '#/$defs/identities', description: 'The mailboxes the rule covers (else every mailbox its OU and filter select).' },
          file: { type: 'string', description: 'An identity file (one per line), relative to the policy.' },
          expect: {
            oneOf: [
              {
                const: 'plan',
                description: 'Every CAS setting of each covered mailbox as the effective CAS mailbox plan of its OU gives it (get-casmailboxplan).',
              },
              {
                type: 'object',
                additionalProperties: false,
                minProperties: 1,
                properties: {
                  plan: { const: true, description: 'Compare every other setting with the effective plan of the mailbox\'s OU.' },
                  // null: the mailbox follows the organisation default (a nullable setting only).
                  ...Object.fromEntries(PROTOCOLS.map((p) => [p.property, { type: isNullable(p) ? ['boolean', 'null'] : 'boolean' }])),
                },
                description: 'Every covered mailbox must have these settings; each one that does not is a violation.',
              },
            ],
          },
          max: { type: 'integer', minimum: 0, description: 'At most this many mailboxes may be covered; above it, each covered mailbox is a violation.' },
          unusedFor: {
            oneOf: [
              { $ref: '#/$defs/period', description: `Every protocol whose logins are recorded wherever any are (${protocolList('and', recordedProtocols(false))}); ${protocolList('and', LAST_LOGON_PROTOCOLS.filter((p) => !recordedProtocols(false).includes(p)))} only when named.` },
              {
                type: 'object',
                additionalProperties: false,
                minProperties: 1,
                properties: Object.fromEntries(LAST_LOGON_PROTOCOLS.map((p) => [p.property, { $ref: '#/$defs/period' }])),
                description: 'These protocols, each with its own period.',
              },
            ],
            description:
              'Each covered mailbox with one of these protocols enabled and no login over it for this long (none within the retention counts as none) is a violation; a mailbox younger than the period is not. Needs the recorded logins (get-dovecotconfig --last-logons); --fix turns the protocol off.',
          },
          except: { $ref: '#/$defs/identities', description: 'Mailboxes the rule does not cover.' },
          exceptFile: { type: 'string', description: 'An identity file of exceptions, relative to the policy.' },
        },
      },
    },
  };
}

/** The file's text, as committed. */
export function policySchemaText(): string {
  return `${JSON.stringify(policySchema(), null, 2)}\n`;
}
