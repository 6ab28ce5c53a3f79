import { runConnectivityTest, type ConnectivityOptions } from '../../connectivity/test-command.js';
import type { CommandContext } from '../context.js';

/** Test-PopConnectivity: log in to the POP3 server as a mailbox and report Success or Failure. */
export async function run(context: CommandContext, options: ConnectivityOptions, args: string[]): Promise<number> {
  const { testPop3Login } = await import('../../connectivity/pop3.js');
  return runConnectivityTest(context, 'POP3', options, args, testPop3Login);
}
