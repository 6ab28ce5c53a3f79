import { MAILBOX_FILTER_SCHEMA } from '../../../src/core/properties.js';
import { parseFilter, type FilterAst } from '../../../src/filter/index.js';

/** A `-Filter` over the mailbox properties, as the CLI parses it (without its mapping to a usage error). */
export function mailboxFilter(text: string): FilterAst {
  return parseFilter(text, MAILBOX_FILTER_SCHEMA);
}
