import { ExitCode } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { printable } from '../../core/printable.js';
import { DIRECTORY_SCOPE, INHERITED, PlanBook, planIdentity } from '../../core/mailbox-plans.js';
import { CAS_SETTINGS } from '../../core/protocols.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, render, type View } from '../../output/formats.js';
import { Messages } from '../../output/messages.js';
import { useColour } from '../../output/colour.js';
import type { OutputRecord } from '../../output/values.js';
import type { CommandContext } from '../context.js';
import { withStore, type GlobalOptions } from '../open.js';
import { resolvePlanScope } from '../plan-scope.js';

interface PlanOptions extends GlobalOptions {
  identity?: string[];
  output: string;
  property?: string[];
  csvRaw?: boolean;
}

const effectiveOf = (property: string): string => `Effective${property}`;
const sourceOf = (property: string): string => `${property}Source`;

/**
 * Each setting's own value (`Inherited`: the plan does not hold it; a nullable setting's null is a
 * value the plan holds, $null, so blank cannot stand for inherited), then, in list, json and csv,
 * the value a new mailbox in the scope takes and the plan it comes from.
 */
const VIEW: View = {
  properties: ['Identity', ...CAS_SETTINGS, ...CAS_SETTINGS.map(effectiveOf), ...CAS_SETTINGS.map(sourceOf), 'Guid', 'WhenChanged'],
  defaults: ['Identity', ...CAS_SETTINGS, ...CAS_SETTINGS.flatMap((p) => [effectiveOf(p), sourceOf(p)]), 'Guid', 'WhenChanged'],
  table: ['Identity', ...CAS_SETTINGS],
  id: 'Identity',
};

function planRecord(book: PlanBook, scope: string): OutputRecord {
  const plan = book.plan(scope);
  const effective = book.effective(scope);
  const record: OutputRecord = { Identity: planIdentity(plan?.Scope ?? scope) };
  for (const property of CAS_SETTINGS) {
    const own = plan?.Settings[property];
    record[property] = own === undefined ? INHERITED : own;
  }
  for (const property of CAS_SETTINGS) {
    record[effectiveOf(property)] = effective[property].value;
    record[sourceOf(property)] = effective[property].source;
  }
  record.Guid = plan?.Guid ?? null;
  record.WhenChanged = plan?.WhenChanged ?? null;
  return record;
}

/**
 * Get-CASMailboxPlan: the directory plan (`Default`, always shown) and every OU plan, or the plans
 * the identities name; an OU without a plan of its own shows what it inherits.
 */
export async function run(context: CommandContext, options: PlanOptions, args: string[]): Promise<number> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const properties = chooseProperties(VIEW, format, options.property);
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const identities = [...args, ...(options.identity ?? [])];
  return withStore(context, options, async (store) => {
    const book = new PlanBook(await store.getMailboxPlans());
    const scopes: string[] = [];
    if (identities.length === 0) {
      scopes.push(DIRECTORY_SCOPE, ...book.plans.map((p) => p.Scope).filter((s) => s !== DIRECTORY_SCOPE));
      // A plan outlives its OU (renamed or removed): it then decides for nothing until the OU is back.
      const units = new Set((await store.findOrganizationalUnits(undefined)).map((ou) => fold(ou.CanonicalName)));
      for (const scope of scopes) {
        if (scope !== DIRECTORY_SCOPE && !units.has(fold(scope))) messages.warning(`The plan '${printable(scope)}' is for an organizational unit that no longer exists.`);
      }
    }
    for (const identity of identities) scopes.push(await resolvePlanScope(store, identity));
    const records = [...new Map(scopes.map((scope) => [fold(scope), planRecord(book, scope)])).values()];
    await render(records, context.stdout, { format, view: VIEW, properties, colour: useColour(context.stdout, context.env), csvRaw: options.csvRaw });
    return ExitCode.Ok;
  });
}
