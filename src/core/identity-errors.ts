import type { Mailbox } from './mailbox.js';
import { printable } from './printable.js';

/** Exchange's wording, which admins and their scripts match on (EXCHANGE.md "Messages"). */
export function notFoundMessage(identity: string, server: string): string {
  return `The operation couldn't be performed because object '${printable(identity)}' couldn't be found on '${printable(server)}'.`;
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
