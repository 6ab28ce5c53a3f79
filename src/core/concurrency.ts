/**
 * Runs `work` over `items` with at most `limit` calls in flight: LDAP answers requests on one
 * connection out of order (16 in flight is ~1.5x the throughput of one at a time), and a Dovecot
 * takes a few doveadm calls at once. Stops taking new items once `stopped()` says so; items
 * already started finish. A rejection that escapes `work` stops the run and is rethrown.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && !stopped() && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * `work` over the items of `source` with at most `limit` calls in flight, yielding the results in
 * the source's order as they are ready: a stream of batches stays a stream (a few batches held,
 * never all), while the calls overlap. Stops taking items once `stopped()` says so.
 */
export async function* mapInOrder<T, R>(
  source: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<R>,
  stopped: () => boolean = () => false,
): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  try {
    for await (const item of source) {
      if (stopped()) break;
      const call = work(item);
      // Awaited in turn below; a rejection before its turn must not count as unhandled.
      call.catch(() => undefined);
      pending.push(call);
      if (pending.length >= limit) yield await (pending.shift() as Promise<R>);
    }
    while (pending.length > 0) yield await (pending.shift() as Promise<R>);
  } finally {
    // A consumer that stops early (a result size reached, an error) leaves no call running behind it.
    await Promise.allSettled(pending);
  }
}
