import { ExitCode } from '../../core/errors.js';
import { mailboxCsvBatches } from '../../input/mailbox-csv.js';
import { hashPassword } from '../../input/password-hash.js';
import { printable } from '../../output/escape.js';
import type { ImportSummary } from '../../store/directory-store.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';

export function describeImport(file: string, summary: ImportSummary): string {
  return `Imported '${printable(file)}': ${summary.created} mailboxes created, ${summary.updated} updated, ${summary.organizationalUnitsCreated} organizational units created.`;
}

export async function run(context: CommandContext, options: GlobalOptions, args: string[]): Promise<number> {
  const [file = ''] = args;
  // Streamed into the store's all-or-nothing import: a bad row anywhere imports nothing.
  const summary = await withStore(context, options, (store) => store.importMailboxes(mailboxCsvBatches(file, hashPassword), context.now()));
  context.stderr.write(`${describeImport(file, summary)}\n`);
  return ExitCode.Ok;
}
