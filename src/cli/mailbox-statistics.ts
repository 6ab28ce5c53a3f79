import { chunks, mapInOrder } from '../core/concurrency.js';
import { ServiceError } from '../core/errors.js';
import { LAST_LOGON_PROTOCOLS, type MailboxLastLogons } from '../core/last-logons.js';
import type { Mailbox } from '../core/mailbox.js';
import type { SelectedMailbox } from '../core/select.js';
import type { MailboxStatisticsReader, ServerBatchStatus } from '../services/mailbox-statistics.js';
import type { OutputRecord } from '../output/values.js';

/** Users per doveadm call: its start-up is shared by many, while a call that builds the indexes of mailboxes read for the first time (tens of ms each) stays well inside the services' timeout. */
export const DOVEADM_BATCH = 100;
/** doveadm calls at once: a Dovecot reads a few users' indexes in parallel; more only queue on its disk and CPUs. */
export const DOVEADM_IN_FLIGHT = 4;

/** What a batch of mailboxes came back with. */
interface ReadBatch<M> {
  selected: readonly SelectedMailbox<M>[];
  status: ServerBatchStatus | ServiceError;
}

export interface StatisticsSink {
  /** A batch doveadm could not read on any server: its mailboxes are left out. */
  batchFailed(mailboxes: number, first: string, last: string, why: string): void;
  /** One mailbox doveadm could not read: left out. */
  mailboxFailed(address: string, why: string): void;
  /** A mailbox Dovecot's userdb does not know: shown with empty counts. */
  unknown(address: string): void;
}

type Addressed = Pick<Mailbox, 'PrimarySmtpAddress'>;

const latest = (logons: MailboxLastLogons | undefined): string | null => {
  const times = LAST_LOGON_PROTOCOLS.flatMap((p) => logons?.[p.name]?.time.getTime() ?? []);
  return times.length === 0 ? null : new Date(Math.max(...times)).toISOString();
};

/**
 * The statistics of a stream of selected mailboxes (their recorded logins joined by the selection,
 * when recorded), as a stream of output records in the same order: DOVEADM_BATCH mailboxes per
 * doveadm call, DOVEADM_IN_FLIGHT calls at once. `toRecord` makes the mailbox's own properties,
 * the per-protocol login times among them. After a batch fails everywhere no new one starts.
 */
export async function* statisticsRecords<M extends Addressed>(
  mailboxes: AsyncIterable<readonly SelectedMailbox<M>[]>,
  reader: MailboxStatisticsReader,
  toRecord: (mailbox: M, logons: MailboxLastLogons | undefined) => OutputRecord,
  sink: StatisticsSink,
): AsyncGenerator<OutputRecord[]> {
  let failed = false;
  async function* batches(): AsyncGenerator<readonly SelectedMailbox<M>[]> {
    for await (const selected of mailboxes) yield* chunks(selected, DOVEADM_BATCH);
  }
  const read = async (selected: readonly SelectedMailbox<M>[]): Promise<ReadBatch<M>> => {
    const status = await reader.read(selected.map((s) => s.mailbox.PrimarySmtpAddress)).catch((error: unknown) => {
      if (error instanceof ServiceError) return error;
      throw error;
    });
    return { selected, status };
  };
  for await (const { selected, status } of mapInOrder(batches(), DOVEADM_IN_FLIGHT, read, () => failed)) {
    if (status instanceof ServiceError) {
      failed = true;
      const [first, last] = [selected[0], selected.at(-1)].map((s) => (s as SelectedMailbox<M>).mailbox.PrimarySmtpAddress) as [string, string];
      sink.batchFailed(selected.length, first, last, status.message);
      continue;
    }
    const records: OutputRecord[] = [];
    for (const { mailbox, logons } of selected) {
      const address = mailbox.PrimarySmtpAddress;
      const why = status.failed.get(address);
      if (why !== undefined) {
        sink.mailboxFailed(address, why);
        continue;
      }
      const counted = status.found.get(address);
      if (counted === undefined) sink.unknown(address);
      records.push({
        ...toRecord(mailbox, logons),
        ItemCount: counted?.messages ?? null,
        TotalItemSize: counted?.vsize ?? null,
        LastLogonTime: latest(logons),
        ServerName: status.server,
      });
    }
    if (records.length > 0) yield records;
  }
}
