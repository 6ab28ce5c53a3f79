import type { Readable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { readIdentityBatches, type IdentityLine } from './identity-file.js';

/** Keys tried, in order, on objects piped in as JSON (casctl's own `-o json`, or ConvertTo-Json's). */
const IDENTITY_KEYS = ['Guid', 'Identity', 'PrimarySmtpAddress', 'DistinguishedName', 'Name'] as const;

/**
 * Identities from a file or stdin ("-"), in batches: one per line, or a JSON array piped from
 * `casctl ... -o json` (recognised by its opening `[`), so that get-* output feeds set-casmailbox either way.
 */
export async function* identitiesFrom(input: Readable, label: string): AsyncGenerator<IdentityLine[]> {
  const batches = readIdentityBatches(input, { source: label });
  const first = await batches.next();
  if (first.done === true) return;
  if (!(first.value[0] as IdentityLine).identity.startsWith('[')) {
    yield first.value;
    yield* batches;
    return;
  }
  const text = first.value.map((line) => line.identity);
  for await (const batch of batches) for (const line of batch) text.push(line.identity);
  yield fromJson(text.join('\n'), label);
}

function fromJson(text: string, label: string): IdentityLine[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${label}: starts like a JSON array but is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`${label}: expected a JSON array of mailboxes or identities.`);
  return parsed.map((item: unknown, index) => {
    const identity = identityOf(item);
    if (identity === null) {
      throw new UsageError(`${label}: item ${index + 1} of the JSON array has none of ${IDENTITY_KEYS.join(', ')}.`);
    }
    return { line: index + 1, identity };
  });
}

function identityOf(item: unknown): string | null {
  if (typeof item === 'string' && item.trim() !== '') return item.trim();
  if (typeof item !== 'object' || item === null) return null;
  const record = item as Record<string, unknown>;
  for (const key of IDENTITY_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}
