import type { IpNetwork } from '../core/ip-networks.js';
import { SERVICE_PROTOCOLS, WEBMAIL_PROTOCOLS, type Protocol, type ProtocolDefinition } from '../core/protocols.js';

/**
 * The passdbs that enforce a protocol the registry marks `remote: 'webmail'` (OWA: the webmail
 * logs in over IMAP from known networks), for both stores. Dovecot matches the networks itself:
 * each passdb returns `allow_real_nets = <networks>`, and a login from elsewhere turns the
 * passdb's OK into "unknown user", which `result_failure = continue` passes on. So, in front of
 * the main passdb:
 *   admit  - the mailboxes the protocol is enabled for; a login from the networks is admitted here.
 *   refuse - every mailbox; a login from the networks that got this far is refused
 *            (`result_success = return-fail`, or OK with nologin and a reason under --reason).
 * A login from elsewhere passes both and the main passdb decides it by the protocol sharing the
 * service (IMAP4). Cached entries keep allow_real_nets and Dovecot checks it again on every hit,
 * so the cache key needs no address, and `doveadm auth cache flush <user>` flushes all three.
 * allow_real_nets, not allow_nets: a webmail in login_trusted_networks may forward its user's
 * address, which then becomes the remote address; the real one stays the webmail's.
 */

export type WebmailRole = 'admit' | 'refuse';

export interface WebmailPassdb {
  /** A name for the passdb (2.4's section name, 2.3's args file): `casctl-owa-admit`. */
  name: string;
  protocol: Protocol;
  role: WebmailRole;
  /** What Dovecot does with the passdb's result. */
  results: readonly string[];
}

/** The passdbs, in the order they must run; none without networks (the protocol is then not enforced). */
export function webmailPassdbs(networks: readonly IpNetwork[], reason: boolean): WebmailPassdb[] {
  if (networks.length === 0) return [];
  return WEBMAIL_PROTOCOLS.flatMap((protocol) => [
    { name: `casctl-${protocol.name}-admit`, protocol, role: 'admit', results: ['result_failure = continue'] },
    // Under --reason the refusal is an OK with nologin, which imap-login turns into NO with the reason.
    { name: `casctl-${protocol.name}-refuse`, protocol, role: 'refuse', results: reason ? ['result_failure = continue'] : ['result_success = return-fail', 'result_failure = continue'] },
  ]);
}

/** allow_real_nets's value: space-separated, as 2.3's pass_attrs splits on commas. */
export const networksValue = (networks: readonly IpNetwork[]): string => networks.map((n) => n.text).join(' ');

/** What --reason tells a client the webmail passdbs refused. */
export const webmailReason = (protocol: Protocol): string => `${protocol.displayName} (webmail) access is disabled for this mailbox`;

const services = (protocol: Protocol): string => protocol.dovecotServices.join(', ');

type Services = Pick<ProtocolDefinition, 'dovecotServices'>;
const sharesService = (a: Services, b: Services): boolean => a.dovecotServices.some((s) => b.dovecotServices.includes(s));

/** The generated file's comment on the webmail passdbs: what they enforce, why they come first, what they log. */
export function webmailComment(networks: readonly IpNetwork[]): string[] {
  if (WEBMAIL_PROTOCOLS.length === 0) return [];
  if (networks.length === 0) {
    return WEBMAIL_PROTOCOLS.map(
      (p) => `# ${p.property} is stored but not enforced: no webmail networks are configured ("dovecot": {"webmailNetworks": [...]} in casctl's configuration, or --webmail-network).`,
    );
  }
  return [
    ...WEBMAIL_PROTOCOLS.map((p) => {
      const shared = SERVICE_PROTOCOLS.filter((o) => sharesService(o, p)).map((o) => o.property);
      return `# Webmail: ${services(p)} logins whose real remote address is in ${networksValue(networks)} follow ${p.property}, every other ${services(p)} login ${shared.join(', ')}.`;
    }),
    '# The casctl-*-admit and casctl-*-refuse passdbs decide the webmail logins before the last passdb sees them,',
    "# so passdb order matters: include this file before any passdb of your own. With auth_verbose = yes a login",
    "# from elsewhere logs 'allow_real_nets check failed' and 'unknown user' for them: that is how it passes on.",
  ];
}
