import { ConfigError, UsageError } from '../core/errors.js';
import { parseNetwork, type IpNetwork } from '../core/ip-networks.js';

/**
 * The `dovecot` section of the configuration file: what casctl knows of the Dovecot deployment
 * beyond the commands that reach it (those are `services`).
 *   {"dovecot": {"webmailNetworks": ["127.0.0.2/32", "10.1.0.0/16"]}}
 * webmailNetworks: where the webmail (Roundcube, SOGo) logs in to Dovecot over IMAP from. IMAP
 * logins whose real remote address is in one follow OWAEnabled, every other IMAP login
 * ImapEnabled; get-dovecotconfig bakes the list into the passdbs, and refreshes end the webmail's
 * and the mail clients' IMAP sessions apart by it.
 */
export interface DovecotSettings {
  webmailNetworks: readonly IpNetwork[];
}

export const NO_DOVECOT_SETTINGS: DovecotSettings = { webmailNetworks: [] };

const KEYS = ['webmailNetworks'];

/** Distinct networks in the order given: a network written twice (`127.0.0.2` and `127.0.0.2/32`) is listed once. */
function distinct(networks: readonly IpNetwork[]): IpNetwork[] {
  return [...new Map(networks.map((n) => [n.text, n])).values()];
}

export function parseDovecotSection(value: unknown, path: string): DovecotSettings {
  const where = `The configuration file '${path}': "dovecot"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where} must be an object, e.g. {"webmailNetworks": ["127.0.0.2/32"]}.`);
  const section = value as Record<string, unknown>;
  const unknown = Object.keys(section).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key "${unknown[0]}"; known: ${KEYS.join(', ')}.`);
  const list = section.webmailNetworks ?? [];
  if (!Array.isArray(list)) throw new ConfigError(`${where}."webmailNetworks" must be an array of networks such as "10.1.0.0/16" or "2001:db8::/32".`);
  const networks = list.map((entry: unknown, index) => {
    const at = `${where}."webmailNetworks"[${index}]`;
    if (typeof entry !== 'string') throw new ConfigError(`${at} must be a string such as "10.1.0.0/16", not ${JSON.stringify(entry)}.`);
    const parsed = parseNetwork(entry);
    if ('problem' in parsed) throw new ConfigError(`${at} ${JSON.stringify(entry)} ${parsed.problem}.`);
    return parsed.network;
  });
  return { webmailNetworks: distinct(networks) };
}

/** get-dovecotconfig's `--webmail-network CIDR`, repeatable. */
export function parseWebmailNetworkOptions(values: readonly string[]): IpNetwork[] {
  return distinct(
    values.map((value) => {
      const parsed = parseNetwork(value);
      if ('problem' in parsed) throw new UsageError(`--webmail-network ${JSON.stringify(value)} ${parsed.problem}.`);
      return parsed.network;
    }),
  );
}

/** The same networks, in any order. */
export function sameNetworks(a: readonly IpNetwork[], b: readonly IpNetwork[]): boolean {
  const texts = new Set(a.map((n) => n.text));
  return texts.size === new Set(b.map((n) => n.text)).size && b.every((n) => texts.has(n.text));
}
