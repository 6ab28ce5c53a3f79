import { runConnectivityTest, type ConnectivityOptions } from '../../connectivity/test-command.js';
import type { CommandContext } from '../context.js';

/** Test-ImapConnectivity: log in to the IMAP server as a mailbox and report Success or Failure. */
export async function run(context: CommandContext, options: ConnectivityOptions, args: string[]): Promise<number> {
  const { testImapLogin } = await import('../../connectivity/imap.js');
  return runConnectivityTest(context, 'IMAP4', options, args, testImapLogin);
}
