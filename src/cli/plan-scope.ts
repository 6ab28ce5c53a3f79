import { fold } from '../core/mailbox.js';
import { DIRECTORY_PLAN_NAME } from '../core/directory-plan-name.js';
import { DIRECTORY_SCOPE } from '../core/mailbox-plans.js';
import { resolveOrganizationalUnit } from '../core/select.js';
import type { DirectoryStore } from '../store/directory-store.js';

/**
 * The plan scope an Identity names: `Default` the directory plan, anything else an OU in the forms
 * --organizational-unit takes (name, canonical name, `North America\Finance`, DN, Guid), resolved
 * to its stored canonical name; an OU that names none is a usage error with the closest OUs.
 */
export async function resolvePlanScope(store: DirectoryStore, identity: string): Promise<string> {
  if (fold(identity.trim()) === fold(DIRECTORY_PLAN_NAME)) return DIRECTORY_SCOPE;
  return resolveOrganizationalUnit(store, identity);
}
