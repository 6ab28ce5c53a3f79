import type { Mailbox } from './mailbox.js';

/** Exchange's wording, which admins and their scripts match on (EXCHANGE.md "Messages"). */
export function notFoundMessage(identity: string, server: string): string {
  return `The operation couldn't be performed because object '${identity}' couldn't be found on '${server}'.`;
}

export function ambiguousMessage(identity: string, candidates: readonly Pick<Mailbox, 'Name' | 'PrimarySmtpAddress' | 'Guid' | 'OrganizationalUnit'>[]): string {
  const lines = candidates.map((m) => `    ${m.Name} <${m.PrimarySmtpAddress}>  Guid ${m.Guid}  (${m.OrganizationalUnit})`);
  return [
    `The operation couldn't be performed because '${identity}' matches multiple entries.`,
    ...lines,
    '  Name the mailbox by its Guid or PrimarySmtpAddress.',
  ].join('\n');
}
