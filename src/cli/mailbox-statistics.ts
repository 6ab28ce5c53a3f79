import { chunks, mapInOrder } from '../core/concurrency.js';
import { ServiceError } from '../core/errors.js';
import { LAST_LOGON_PROTOCOLS, type LastLogonSource, type MailboxLastLogons } from '../core/last-logons.js';
import type { Mailbox } from '../core/mailbox.js';
import type { MailboxStatisticsReader, ServerBatchStatus } from '../services/mailbox-statistics.js';
import type { OutputRecord } from '../output/values.js';

/** Users per doveadm call: its start-up is shared by many, while a call that builds the indexes of mailboxes read for the first time (tens of ms each) stays well inside the services' timeout. */
export const DOVEADM_BATCH = 100;
/** doveadm calls at once: a Dovecot reads a few users' indexes in parallel; more only queue on its disk and CPUs. */
export const DOVEADM_IN_FLIGHT = 4;

/** What a batch of mailboxes came back with. */
interface ReadBatch<M> {
  mailboxes: readonly M[];
  status: ServerBatchStatus | ServiceError;
  logons: Map<string, MailboxLastLogons> | null;
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
 * The statistics of a stream of mailboxes, as a stream of output records in the same order:
 * DOVEADM_BATCH mailboxes per doveadm call, DOVEADM_IN_FLIGHT calls at once, each batch's recorded
 * logins read beside its call. `toRecord` makes the mailbox's own properties; `logons` null: not
 * recorded, the login times stay empty. After a batch fails everywhere no new one starts.
 */
export async function* statisticsRecords<M extends Addressed>(
  mailboxes: AsyncIterable<readonly M[]>,
  reader: MailboxStatisticsReader,
  logons: LastLogonSource | null,
  toRecord: (mailbox: M) => OutputRecord,
  sink: StatisticsSink,
): AsyncGenerator<OutputRecord[]> {
  let failed = false;
  async function* batches(): AsyncGenerator<readonly M[]> {
    for await (const selected of mailboxes) yield* chunks(selected, DOVEADM_BATCH);
  }
  const read = async (batch: readonly M[]): Promise<ReadBatch<M>> => {
    const users = batch.map((m) => m.PrimarySmtpAddress);
    const [status, recorded] = await Promise.all([
      reader.read(users).catch((error: unknown) => {
        if (error instanceof ServiceError) return error;
        throw error;
      }),
      logons === null ? null : logons.lastLogons(users),
    ]);
    return { mailboxes: batch, status, logons: recorded };
  };
  for await (const { mailboxes: batch, status, logons: recorded } of mapInOrder(batches(), DOVEADM_IN_FLIGHT, read, () => failed)) {
    if (status instanceof ServiceError) {
      failed = true;
      sink.batchFailed(batch.length, (batch[0] as M).PrimarySmtpAddress, (batch.at(-1) as M).PrimarySmtpAddress, status.message);
      continue;
    }
    const records: OutputRecord[] = [];
    for (const mailbox of batch) {
      const address = mailbox.PrimarySmtpAddress;
      const why = status.failed.get(address);
      if (why !== undefined) {
        sink.mailboxFailed(address, why);
        continue;
      }
      const counted = status.found.get(address);
      if (counted === undefined) sink.unknown(address);
      const times = recorded?.get(address);
      const record: OutputRecord = {
        ...toRecord(mailbox),
        ItemCount: counted?.messages ?? null,
        TotalItemSize: counted?.vsize ?? null,
        LastLogonTime: latest(times),
        ServerName: status.server,
      };
      for (const protocol of LAST_LOGON_PROTOCOLS) record[protocol.lastLogonProperty] = times?.[protocol.name]?.time.toISOString() ?? null;
      records.push(record);
    }
    if (records.length > 0) yield records;
  }
}
