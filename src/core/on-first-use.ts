import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A built-in module loaded when first used rather than when casctl starts: `const net =
 * onFirstUse<typeof import('node:net')>('node:net'); ... net().isIP(text)`. For the few that
 * cost a start several milliseconds (node:crypto, node:net, node:tty, which loads node:net) and
 * that most commands never use. Required, not imported: an import is hoisted to the start.
 */
export function onFirstUse<T>(name: `node:${string}`): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
