import { UsageError } from '../core/errors.js';
import { fold } from '../core/mailbox.js';
import { PROTOCOLS, type Protocol } from '../core/protocols.js';

/** A protocol service, named as Exchange names it; each serves one protocol. */
export interface Service {
  Name: string;
  ShortName: string;
  DisplayName: string;
  protocol: Protocol;
}

export const SERVICES: readonly Service[] = PROTOCOLS.flatMap((protocol) => protocol.services.map((service) => ({ ...service, protocol })));

/** Names or short names, any case, several at once; none means all of them. */
export function resolveServices(names: readonly string[]): Service[] {
  if (names.length === 0) return [...SERVICES];
  const chosen = new Set<Service>();
  for (const name of names.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean)) {
    const service = SERVICES.find((s) => fold(s.Name) === fold(name) || fold(s.ShortName) === fold(name));
    if (service === undefined) {
      throw new UsageError(`Cannot find any service with service name '${name}'. Services: ${SERVICES.map((s) => `${s.Name} (${s.ShortName})`).join(', ')}.`);
    }
    chosen.add(service);
  }
  return SERVICES.filter((s) => chosen.has(s));
}

/** The services whose caches hold a protocol's setting. */
export function servicesFor(protocols: Iterable<Protocol>): Service[] {
  const wanted = new Set(protocols);
  return SERVICES.filter((s) => wanted.has(s.protocol));
}
