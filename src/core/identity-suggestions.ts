import type { DirectoryStore } from '../store/directory-store.js';
import type { Mailbox } from './mailbox.js';
import { distanceWithin, looseFold } from './suggest.js';

/**
 * The mailboxes closest to identities that name none: what "Did you mean" offers after Exchange's
 * "couldn't be found". Only the error path pays for it, with one read of every mailbox's names
 * for a whole batch of misses; each name is folded once per read and most are rejected by their
 * length and letters before any edit distance is computed.
 */

/** What a suggestion compares: text with an `@` the addresses a login uses, other text the names. */
const SUGGESTION_FIELDS = ['Name', 'DisplayName', 'Alias', 'PrimarySmtpAddress', 'UserPrincipalName'] as const;
/** What a suggestion shows. */
export type SuggestedMailbox = Pick<Mailbox, 'Name' | 'PrimarySmtpAddress'>;

/** Candidates shown per identity. */
const CANDIDATES = 3;

/**
 * An identity's typo may cost a quarter of its length: names are short and alike (`Ana Lee`,
 * `Ann Li`), and the 40% that suits property names would offer half the directory.
 */
function threshold(folded: string): number {
  return Math.max(1, Math.floor(folded.length / 4));
}

/** An address's parts each get their own threshold: a shared domain must not make `rzaher@…` close to `emma.baker@…`. */
function addressThresholds(folded: string): { local: number; domain: number } | null {
  const at = folded.lastIndexOf('@');
  return at === -1 ? null : { local: threshold(folded.slice(0, at)), domain: threshold(folded.slice(at + 1)) };
}

/** One identity looked for: its folded text, with and without word order. */
interface Wanted {
  readonly folded: string;
  readonly sorted: string;
  readonly letters: number;
  readonly threshold: number;
  readonly multiword: boolean;
  /** For text with an `@`, compared with addresses only. */
  readonly address: { local: number; domain: number } | null;
  readonly best: { mailbox: SuggestedMailbox; distance: number }[];
}

/** The mailboxes closest to each identity (at most CANDIDATES, closest first); identities with none are absent. */
export async function closestMailboxes(store: DirectoryStore, identities: readonly string[]): Promise<Map<string, SuggestedMailbox[]>> {
  const wanted = new Map<string, Wanted>();
  for (const identity of identities) {
    const folded = looseFold(identity.trim());
    if (folded === '' || wanted.has(identity)) continue;
    const sorted = sortWords(folded);
    const address = addressThresholds(folded);
    const total = address === null ? threshold(folded) : address.local + address.domain;
    wanted.set(identity, { folded, sorted, letters: lettersOf(folded), threshold: total, multiword: sorted.includes(' '), address, best: [] });
  }
  const result = new Map<string, SuggestedMailbox[]>();
  if (wanted.size === 0) return result;
  const all = [...wanted.values()];
  const byAddress = new Matcher(all.filter((one) => one.address !== null));
  const byName = new Matcher(all.filter((one) => one.address === null));
  for await (const page of store.findMailboxes({}, SUGGESTION_FIELDS)) {
    for (const mailbox of page) {
      byAddress.row(mailbox, [mailbox.PrimarySmtpAddress, mailbox.UserPrincipalName]);
      byName.row(mailbox, [mailbox.Name, mailbox.DisplayName, mailbox.Alias]);
    }
  }
  for (const [identity, one] of wanted) if (one.best.length > 0) result.set(identity, one.best.map(({ mailbox }) => mailbox));
  return result;
}

/**
 * Compares each mailbox's texts with some identities, cheapest test first: a text whose length
 * rules out every identity is not even folded (stored text is NFC, where folding keeps the length).
 */
class Matcher {
  private readonly shortest: number;
  private readonly longest: number;
  /** This row's distance to each identity. */
  private readonly distances: number[];

  constructor(private readonly wanted: readonly Wanted[]) {
    this.shortest = Math.min(...wanted.map((one) => one.folded.length - one.threshold));
    this.longest = Math.max(...wanted.map((one) => one.folded.length + one.threshold));
    this.distances = wanted.map(() => Number.POSITIVE_INFINITY);
  }

  row(mailbox: SuggestedMailbox, texts: readonly string[]): void {
    if (this.wanted.length === 0) return;
    let close = false;
    for (const [t, text] of texts.entries()) {
      // A DisplayName is mostly the Name, a UPN the address: each text is compared once.
      if (text.length < this.shortest || text.length > this.longest || texts.indexOf(text) !== t) continue;
      const key: Key = { folded: looseFold(text), letters: -1 };
      for (const [i, one] of this.wanted.entries()) {
        const distance = closeness(one, key);
        if (distance < (this.distances[i] as number)) {
          this.distances[i] = distance;
          close = true;
        }
      }
    }
    if (!close) return;
    for (const [i, one] of this.wanted.entries()) {
      const distance = this.distances[i] as number;
      if (Number.isFinite(distance)) keep(one, mailbox, distance);
      this.distances[i] = Number.POSITIVE_INFINITY;
    }
  }
}

interface Key {
  readonly folded: string;
  /** Computed when first needed; -1 until then. */
  letters: number;
  sorted?: string;
}

/** The edit distance from what was typed, or Infinity when over the threshold; word order is forgiven (`garcia jose`). */
function closeness(one: Wanted, key: Key): number {
  if (Math.abs(one.folded.length - key.folded.length) > one.threshold) return Number.POSITIVE_INFINITY;
  if (key.letters === -1) key.letters = lettersOf(key.folded);
  // Each edit adds or removes at most two letters of the alphabet; the words' order changes none.
  if (popCount(one.letters ^ key.letters) > 2 * one.threshold) return Number.POSITIVE_INFINITY;
  if (one.address !== null) return addressCloseness(one.folded, key.folded, one.address);
  const plain = distanceWithin(one.folded, key.folded, one.threshold);
  if (plain !== null || !one.multiword) return plain ?? Number.POSITIVE_INFINITY;
  key.sorted ??= sortWords(key.folded);
  return distanceWithin(one.sorted, key.sorted, one.threshold) ?? Number.POSITIVE_INFINITY;
}

function addressCloseness(wanted: string, address: string, thresholds: { local: number; domain: number }): number {
  const [a, b] = [wanted.lastIndexOf('@'), address.lastIndexOf('@')];
  if (b === -1) return Number.POSITIVE_INFINITY;
  const local = distanceWithin(wanted.slice(0, a), address.slice(0, b), thresholds.local);
  const domain = local === null ? null : distanceWithin(wanted.slice(a + 1), address.slice(b + 1), thresholds.domain);
  return local === null || domain === null ? Number.POSITIVE_INFINITY : local + domain;
}

/** Keeps the CANDIDATES closest, ties in the directory's order. */
function keep(one: Wanted, mailbox: SuggestedMailbox, distance: number): void {
  const { best } = one;
  if (best.length === CANDIDATES && distance >= (best[best.length - 1] as { distance: number }).distance) return;
  const at = best.findIndex((b) => b.distance > distance);
  best.splice(at === -1 ? best.length : at, 0, { mailbox: { Name: mailbox.Name, PrimarySmtpAddress: mailbox.PrimarySmtpAddress }, distance });
  if (best.length > CANDIDATES) best.pop();
}

function sortWords(folded: string): string {
  return folded.split(/[\s.,_-]+/).filter((word) => word !== '').sort().join(' ');
}

/** Which of a-z and 0-9 (folded into 31 bits) a text holds, and one bit for anything else. */
function lettersOf(folded: string): number {
  let bits = 0;
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    const bit = code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? 26 + ((code - 48) % 5) : 31;
    bits |= 1 << bit;
  }
  return bits;
}

function popCount(bits: number): number {
  let n = bits - ((bits >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * A run's misses, bounded: the first SUGGESTED of them get suggestions (one read of the store per
 * batch that holds some), the rest the plain message, so a file of thousands of typos costs a
 * read or two of a million mailboxes, not one per line.
 */
export class MissSuggestions {
  static readonly SUGGESTED = 20;
  private left = MissSuggestions.SUGGESTED;
  /** The first miss that got no suggestion, which says so. */
  private unsuggested: string | undefined;

  constructor(private readonly store: DirectoryStore) {}

  /** Suggestions for this batch's misses, and the one miss (if any) whose message says that the rest get none. */
  async closest(identities: readonly string[]): Promise<{ closest: Map<string, SuggestedMailbox[]>; firstUnsuggested: string | undefined }> {
    const asked = identities.slice(0, this.left);
    this.left -= asked.length;
    const beyond = identities[asked.length];
    const firstUnsuggested = this.unsuggested === undefined && beyond !== undefined ? beyond : undefined;
    this.unsuggested ??= beyond;
    return { closest: asked.length === 0 ? new Map() : await closestMailboxes(this.store, asked), firstUnsuggested };
  }
}
