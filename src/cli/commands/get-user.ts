import { USER_VIEW } from '../../output/mailbox-output.js';
import type { CommandContext } from '../context.js';
import { listMailboxes, type ListOptions } from '../list-mailboxes.js';

export function run(context: CommandContext, options: ListOptions, args: string[]): Promise<number> {
  return listMailboxes(context, options, args, USER_VIEW);
}
