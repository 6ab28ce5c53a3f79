import { StoreError } from '../core/errors.js';
import { loginPropertiesNamed } from '../core/last-logon-properties.js';
import type { LastLogonSource } from '../core/last-logons.js';
import type { FilterAst } from '../filter/index.js';
import type { CommandContext } from './context.js';
import { NOT_RECORDED, openLastLogons, unrecordedWebmail, webmailNotRecorded } from './last-logons.js';
import type { GlobalOptions } from './open.js';

/** Why a command reads the recorded logins. */
export interface LogonNeeds {
  /** The filters it selects by: one that names logins is refused when none are recorded (nothing is read or changed). */
  filters?: readonly (FilterAst | undefined)[];
  /**
   * It shows logins. `asked` (named by --property): when none are recorded, they show empty, after
   * one warning. `defaults` (a view's default columns): when none are recorded, the caller leaves
   * them out, and nothing is said to everyone who never set recording up.
   */
  shown?: 'asked' | 'defaults';
  /**
   * What decides on activity (an audit's unusedFor rules), said first when the command is refused
   * because no logins are recorded: "nobody logged in" must never be guessed from "nothing recorded".
   */
  decides?: string;
}

/**
 * Runs `work` with the recorded logins open when the command needs them (undefined otherwise, or
 * when they are only shown and none are recorded), and closes them after. Nothing is opened when
 * nothing needs them: a listing without login properties costs what it did.
 */
export async function withLastLogons<T>(
  context: CommandContext,
  options: GlobalOptions,
  needs: LogonNeeds,
  warn: (text: string) => void,
  work: (source: LastLogonSource | undefined) => Promise<T>,
): Promise<T> {
  const named = (needs.filters ?? []).flatMap(loginPropertiesNamed);
  const filtered = named.length > 0;
  const webmail = await unrecordedWebmail(context, options, named.map((p) => p.protocol));
  if (webmail !== undefined) throw new StoreError(`The filter names ${webmail.lastLogonProperty}. ${webmailNotRecorded(webmail)}`);
  if (!filtered && needs.shown === undefined && needs.decides === undefined) return work(undefined);
  // What decides on logins, like a filter on them, never does without them: an unreadable database is an error.
  const source = await openForNeeds(context, options, filtered || needs.decides !== undefined ? undefined : needs.shown, warn);
  if (source === null) {
    if (needs.decides !== undefined) throw new StoreError(`${needs.decides} ${NOT_RECORDED}`);
    if (filtered) throw new StoreError(`The filter names a last logon time or address. ${NOT_RECORDED}`);
    if (needs.shown === 'asked') warn(NOT_RECORDED);
    return work(undefined);
  }
  if (source === undefined) return work(undefined);
  try {
    return await work(source);
  } finally {
    await source.close();
  }
}

/**
 * openLastLogons; for default columns only, a database that cannot be read is said and its
 * columns left out (undefined), rather than failing a listing of settings nobody asked logins of.
 */
async function openForNeeds(
  context: CommandContext,
  options: GlobalOptions,
  shown: LogonNeeds['shown'],
  warn: (text: string) => void,
): Promise<LastLogonSource | null | undefined> {
  try {
    return await openLastLogons(context, options);
  } catch (error) {
    if (shown !== 'defaults' || !(error instanceof StoreError)) throw error;
    warn(`${error.message} The last logon times are left out.`);
    return undefined;
  }
}
