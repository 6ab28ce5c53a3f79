import { ConfigError, ServiceError } from '../core/errors.js';
import { readMailboxStatus, type BatchStatus } from './mailbox-status.js';
import type { CommandRunner } from './run-command.js';
import type { ServiceSetup } from './service-config.js';

/** One batch's answer, and the server that gave it (its name; null for the one server of the single form). */
export interface ServerBatchStatus extends BatchStatus {
  server: string | null;
}

interface StatusServer {
  name: string | null;
  doveadm: readonly string[];
}

const named = (server: StatusServer): string => server.name ?? 'the mail server';

/**
 * Reads mailbox statistics from the configured mail servers. The servers of one directory share
 * its mail (one store, or dsync replicas of it): any one answers for every mailbox, so each batch
 * goes to one server, the first in the configuration's order, not to all of them. A server whose
 * call fails as a whole is left for the rest of the run (`onFailover` says so once) and the batch
 * goes to the next; the batch fails only when every server did.
 */
export class MailboxStatisticsReader {
  private readonly servers: StatusServer[];
  private readonly timeoutMs: number;
  /** The first server not yet known to fail. */
  private first = 0;

  constructor(
    setup: ServiceSetup,
    private readonly runner: CommandRunner,
    private readonly onFailover: (failed: string, next: string, why: string) => void,
  ) {
    this.timeoutMs = setup.timeoutMs;
    this.servers = setup.servers.map((server) => {
      if (server.doveadm === null) {
        throw new ConfigError(
          `get-mailboxstatistics reads the mailboxes with doveadm, which the configuration file '${setup.configPath ?? '(none)'}' does not give${server.name === null ? '' : ` for "${server.name}"`}: set "services"."preset" (and "doveadm" when doveadm runs elsewhere).`,
        );
      }
      return { name: server.name, doveadm: server.doveadm };
    });
  }

  async read(users: readonly string[]): Promise<ServerBatchStatus> {
    const failures: string[] = [];
    for (let index = this.first; index < this.servers.length; index++) {
      const server = this.servers[index] as StatusServer;
      try {
        return { ...(await readMailboxStatus(this.runner, server.doveadm, users, this.timeoutMs)), server: server.name };
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        failures.push(this.servers.length > 1 ? `${named(server)}: ${error.message}` : error.message);
        const next = this.servers[index + 1];
        if (next !== undefined && this.first === index) {
          this.first = index + 1;
          this.onFailover(named(server), named(next), error.message);
        }
      }
    }
    throw new ServiceError(failures.join('\n'));
  }
}
