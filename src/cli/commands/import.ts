import { ExitCode } from '../../core/errors.js';
import { ADMINISTRATOR_REFUSED } from '../../core/administrator.js';
import { PROTOCOLS, protocolList } from '../../core/protocols.js';
import type { CsvFindings } from '../../input/mailbox-csv.js';
import { printable } from '../../core/printable.js';
import { Messages } from '../../output/messages.js';
import { servicesFor } from '../../services/services.js';
import type { AdministratorRow, ImportSummary } from '../../store/directory-store.js';
import { changeContext } from '../../core/change-context.js';
import { useColour } from '../../output/colour.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';
import { commandProgress } from '../command-progress.js';
import { spoolImportFile } from '../spool-import-file.js';
import { describeImportPlan } from './import-plan.js';

interface ImportCommandOptions extends GlobalOptions {
  whatIf?: boolean;
}

export function describeImport(file: string, summary: ImportSummary): string {
  const unchanged = summary.unchanged === 0 ? '' : ` ${summary.unchanged} already held every value the file gives.`;
  return `Imported '${printable(file)}': ${summary.created} mailboxes created, ${summary.updated} updated, ${summary.organizationalUnitsCreated} organizational units created.${unchanged}`;
}

/** One per row of the Administrator that enables a protocol: it names the row and the mailbox. */
export function administratorWarning(file: string, row: AdministratorRow): string {
  const where = row.Line === null ? '' : `${printable(file)}:${row.Line}: `;
  return (
    `${where}The Administrator mailbox ${printable(row.Name)} <${printable(row.PrimarySmtpAddress)}> never uses ${protocolList('or', ADMINISTRATOR_REFUSED)}: ` +
    `it is stored with ${protocolList('and', ADMINISTRATOR_REFUSED)} disabled, whatever the file says.`
  );
}

export async function run(context: CommandContext, options: ImportCommandOptions, args: string[]): Promise<number> {
  const [file = ''] = args;
  const whatIf = options.whatIf === true;
  const progress = commandProgress(context);
  const messages = new Messages(progress.messageStream, useColour(context.stderr, context.env));
  return withStore(context, options, async (store) => {
    // Parsed, validated and hashed before the store's transaction opens: its write lock is held
    // for the writes only, and a bad row anywhere imports nothing.
    const findings: CsvFindings = { plaintextPasswords: 0 };
    const { spooled, records } = await spoolImportFile(file, progress, findings);
    try {
      if (findings.plaintextPasswords > 0) {
        messages.warning(
          `${findings.plaintextPasswords === 1 ? '1 password' : `${findings.plaintextPasswords} passwords`} in '${printable(file)}' ` +
            `${findings.plaintextPasswords === 1 ? 'uses' : 'use'} a plaintext scheme ({PLAIN}): stored readable by anyone who can read the store. Give the plain text (casctl hashes it) or a hash.`,
        );
      }
      const change = changeContext(context);
      let summary;
      try {
        summary = await store.importMailboxes(spooled.batches(), change.when, { change, whatIf, progress, records });
      } finally {
        progress.stop();
      }
      for (const row of summary.administratorRefused) messages.warning(administratorWarning(file, row));
      if (whatIf) {
        context.stdout.write(describeImportPlan(summary));
        messages.info(`What if: nothing was imported from '${printable(file)}'.`);
        return ExitCode.Ok;
      }
      messages.info(describeImport(file, summary));
      if (summary.changeId !== null) {
        const services = servicesFor(PROTOCOLS).map((s) => s.Name);
        messages.info(`${summary.casChanges} CAS settings of existing mailboxes changed, recorded as change ${summary.changeId}; undo it with: casctl undo ${summary.changeId}`);
        messages.info(`For the change to take effect, run 'casctl refresh-service' or restart: ${services.join(', ')}.`);
      }
      return ExitCode.Ok;
    } finally {
      spooled.remove();
    }
  }, 'write');
}
