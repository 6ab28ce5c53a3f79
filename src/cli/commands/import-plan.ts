import { printable } from '../../core/printable.js';
import { isCasSetting } from '../../core/protocols.js';
import { settingChangeText, settingValueText } from '../../output/setting-change.js';
import type { ImportSummary, ImportValue } from '../../store/directory-store.js';

function shown(value: ImportValue): string {
  if (value === null) return '(empty)';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${printable(value)}'`;
  return `'${printable(value.join(';'))}'`;
}

/**
 * `import --what-if` on stdout: a summary line, then one line per mailbox created or changed
 * (`create <address> <Name> (PopEnabled False, ImapEnabled True)`: the settings it is created with, its
 * OU's plan deciding those the file does not give; `update <address> <Name>: Property before → after; ...`).
 */
export function describeImportPlan(summary: ImportSummary): string {
  const lines = [
    `What if: ${summary.created} mailboxes created, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
      `${summary.organizationalUnitsCreated} organizational units created, ${summary.casChanges} CAS settings changed.`,
  ];
  for (const item of summary.items ?? []) {
    const changes = item.Changes.map((c) => (c.Property === 'Password' ? 'Password changes' : isCasSetting(c.Property) ? settingChangeText(c) : `${c.Property} ${shown(c.Before)} → ${shown(c.After)}`));
    // A CAS setting's null is $null (follow the organisation default), not an empty field.
    const settings = Object.entries(item.Settings ?? {}).map(([property, value]) => `${property} ${settingValueText(value)}`);
    const created = settings.length === 0 ? '' : ` (${settings.join(', ')})`;
    lines.push(`${item.Action} ${printable(item.PrimarySmtpAddress)} ${shown(item.Name)}${created}${changes.length === 0 ? '' : `: ${changes.join('; ')}`}`);
  }
  return `${lines.join('\n')}\n`;
}
