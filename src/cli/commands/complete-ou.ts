import { ExitCode } from '../../core/errors.js';
import { offeredOuNames } from '../completion/ou-names.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';

/**
 * How long a completion may wait for the store (to open it and list its OUs) before
 * offering no OU at all: a shell waits for this helper at every TAB, so an LDAP server that never
 * answers costs at most this. CASCTL_COMPLETION_DEADLINE_MS changes it (a directory across a slow
 * link; a machine so busy that opening a local store takes longer).
 */
const OU_DEADLINE_MS = 200;

function deadlineMs(env: NodeJS.ProcessEnv): number {
  const given = Number(env.CASCTL_COMPLETION_DEADLINE_MS);
  return Number.isInteger(given) && given > 0 ? given : OU_DEADLINE_MS;
}

/** The helper gives up on a store still connecting: its socket must not keep the process alive. */
export const endsProcess = true;

const timedOut = Symbol('timed out');

/**
 * The completion scripts' helper: the OU names of the store casctl would open (the same --store,
 * --config and CASCTL_STORE), one per line. Nothing at all when there is no store, it fails or
 * it is late: a completion never shows an error.
 */
export async function run(context: CommandContext, options: GlobalOptions): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), deadlineMs(context.env))));
  const listing = withStore(context, { ...options, readOnly: true }, (store) => store.findOrganizationalUnits(undefined)).catch(() => []);
  const units = await Promise.race([listing, deadline]);
  clearTimeout(timer);
  if (units === timedOut) return ExitCode.Ok;
  const text = offeredOuNames(units).map((name) => `${name}\n`).join('');
  // Written in full before the process ends (endsProcess).
  await new Promise<void>((resolve) => context.stdout.write(text, () => resolve()));
  return ExitCode.Ok;
}
