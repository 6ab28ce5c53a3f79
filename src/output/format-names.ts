/**
 * The `-o` names of each kind of command, as plain lists: the one place a command validates its
 * `-o` against (parseOutputFormat) and program.ts declares it for completion. It imports nothing,
 * so program.ts can load it at start without loading a formatter.
 */

/** A listing: every format of the shared formatter table (formatters.ts). */
export const LISTING_FORMATS = ['table', 'list', 'json', 'ndjson', 'csv', 'id'] as const;
export type ListingFormat = (typeof LISTING_FORMATS)[number];

/** get-transportconfig: one object, no Guid for `-o id` to print. */
export const SETTINGS_FORMATS = LISTING_FORMATS.filter((f) => f !== 'id');

/** A change of mailboxes (set-casmailbox, undo, audit --fix): the plan table, a JSON result, or its items one per line. */
export const CHANGE_FORMATS = ['table', 'json', 'ndjson'] as const;

/** A plan change (set-casmailboxplan, the undo of one) and set-transportconfig: the table (or messages), or a JSON result. */
export const PLAN_CHANGE_FORMATS = ['table', 'json'] as const;

/** A one-object result (prune-changelog, prune-lastlogons): messages, or the result as JSON or one NDJSON line. */
export const RESULT_FORMATS = ['table', 'json', 'ndjson'] as const;

/** An audit's report: the shared formats it offers, and JUnit for CI, which only an audit has. */
export const AUDIT_FORMATS = ['table', 'json', 'csv', 'junit'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** get-config: the settings with their origins for people, or as JSON. */
export const CONFIG_FORMATS = ['table', 'json'] as const;
