import type { FilterAst } from '../filter/index.js';
import { namesLastLogons } from './last-logon-properties.js';

/**
 * A mailbox filter as two conjuncts: `store`, which names only what the store holds and is pushed
 * down to it, and `joined`, which reads recorded logins and is evaluated in memory on each batch
 * with the logins joined. A mailbox matches the filter exactly when it matches both (an absent
 * part matches everything). Only top-level `-and` operands are ever separated: a `-not` or an
 * `-or` over a login property stays whole on the joined side, as pushing part of it down would
 * change what it means.
 */
export interface SplitFilter {
  store?: FilterAst;
  joined?: FilterAst;
}

/** The conjuncts of a filter: nested `-and`s flattened, everything else as it is. */
function conjuncts(ast: FilterAst): FilterAst[] {
  return ast.kind === 'and' ? ast.operands.flatMap(conjuncts) : [ast];
}

function conjunction(operands: readonly FilterAst[]): FilterAst | undefined {
  const [first] = operands;
  if (operands.length <= 1) return first;
  return { kind: 'and', operands: [...operands], start: first?.start ?? 0, end: operands.at(-1)?.end ?? 0 };
}

export function splitFilter(ast: FilterAst | undefined): SplitFilter {
  if (ast === undefined) return {};
  if (!namesLastLogons(ast)) return { store: ast };
  const parts = conjuncts(ast);
  const store = conjunction(parts.filter((part) => !namesLastLogons(part)));
  const joined = conjunction(parts.filter(namesLastLogons));
  return { ...(store === undefined ? {} : { store }), ...(joined === undefined ? {} : { joined }) };
}
