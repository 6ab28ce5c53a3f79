import type { Mailbox } from './mailbox.js';
import { printable } from './printable.js';
import type { OrganizationalUnit } from '../store/directory-store.js';
import type { SuggestedMailbox } from './identity-suggestions.js';
import { orJoin, orList } from './suggest.js';

/** Exchange's wording, which admins and their scripts match on (EXCHANGE.md "Messages"). */
export function notFoundMessage(identity: string, server: string, closest: readonly SuggestedMailbox[] = []): string {
  const notFound = `The operation couldn't be performed because object '${printable(identity)}' couldn't be found on '${printable(server)}'.`;
  if (closest.length === 0) return notFound;
  return `${notFound} Did you mean ${orJoin(closest.map((m) => `'${printable(m.Name)}' <${printable(m.PrimarySmtpAddress)}>`))}?`;
}

export function ambiguousMessage(identity: string, candidates: readonly Pick<Mailbox, 'Name' | 'PrimarySmtpAddress' | 'Guid' | 'OrganizationalUnit'>[]): string {
  // One line per candidate, whatever its values hold: a Name with a line break cannot add a fake one.
  const lines = candidates.map((m) => `    ${printable(m.Name)} <${printable(m.PrimarySmtpAddress)}>  Guid ${m.Guid}  (${printable(m.OrganizationalUnit)})`);
  return [
    `The operation couldn't be performed because '${printable(identity)}' matches multiple entries.`,
    ...lines,
    '  Name the mailbox by its Guid or PrimarySmtpAddress.',
  ].join('\n');
}

/** An OU that names nothing, and the closest OUs (closestOrganizationalUnits) or where to see them all. */
export function organizationalUnitNotFoundMessage(identity: string, server: string, closest: readonly Pick<OrganizationalUnit, 'CanonicalName'>[]): string {
  const notFound = `The organizational unit '${printable(identity)}' couldn't be found on '${printable(server)}'.`;
  if (closest.length === 0) return `${notFound} \`casctl get-organizationalunit\` lists them.`;
  return `${notFound} Did you mean ${orList(closest.map((ou) => printable(ou.CanonicalName)))}?`;
}
