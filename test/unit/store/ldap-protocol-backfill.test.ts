import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from '../../../src/core/errors.js';
import { PROTOCOLS, type Protocol } from '../../../src/core/protocols.js';
import { LdapEntry, type Modification, type SearchRequest } from '../../../src/store/ldap/connection.js';
import { DirectoryLayout } from '../../../src/store/ldap/layout.js';
import { backfillProtocols, type BackfillTarget } from '../../../src/store/ldap/protocol-backfill.js';
import { ProgressRecorder } from '../../helpers/progress-recorder.js';

const sieve = PROTOCOLS.find((p) => p.name === 'sieve') as Protocol;

/** What another writer does to an entry between the backfill's read and its write. */
type Meanwhile = 'adds the value' | 'deletes the entry' | 'is refused';

const failure = (code: number): Error => Object.assign(new Error(`result ${code}`), { code });

/** A directory of mailbox entries by DN, each with its casEnabledService values; searches return the entries lacking `sieve`, a page of 2 at a time. */
class FakeDirectory {
  readonly modified: string[] = [];
  readonly filters: string[] = [];
  constructor(
    readonly entries: Map<string, string[]>,
    private readonly meanwhile: ReadonlyMap<string, Meanwhile> = new Map(),
  ) {}

  async *search(request: SearchRequest): AsyncGenerator<LdapEntry[]> {
    this.filters.push(request.filter);
    const lacking = [...this.entries].filter(([, values]) => !values.some((v) => v.toLowerCase() === 'sieve'));
    for (let i = 0; i < lacking.length; i += 2) {
      yield lacking.slice(i, i + 2).map(([dn, values]) => new LdapEntry(dn, { dn, casEnabledService: values }));
    }
  }

  async modify(dn: string, modifications: readonly Modification[]): Promise<void> {
    const what = this.meanwhile.get(dn);
    if (what === 'adds the value') {
      this.entries.get(dn)?.push('sieve');
      throw failure(20);
    }
    if (what === 'deletes the entry') {
      this.entries.delete(dn);
      throw failure(32);
    }
    if (what === 'is refused') throw failure(50);
    this.modified.push(dn);
    for (const m of modifications) this.entries.get(dn)?.push(...m.values);
  }

  fail(error: unknown, action: string): StoreError {
    return new StoreError(`could not ${action}: ${(error as Error).message}`);
  }
}

function target(directory: FakeDirectory, notices: string[] = [], progress?: ProgressRecorder): BackfillTarget {
  return {
    connection: directory,
    layout: new DirectoryLayout('dc=example,dc=com'),
    url: 'ldap://ldap.example.com/dc=example,dc=com',
    concurrency: 4,
    notice: (message) => notices.push(message),
    ...(progress === undefined ? {} : { progress }),
  };
}

const dn = (i: number): string => `cn=User ${i},dc=example,dc=com`;

test('every entry lacking the values gets them, nothing else is touched, and progress counts true totals', async () => {
  const entries = new Map<string, string[]>([
    [dn(1), ['pop3', 'imap']],
    [dn(2), []],
    [dn(3), ['pop3', 'SIEVE']],
    [dn(4), ['imap']],
    [dn(5), ['pop3']],
  ]);
  const directory = new FakeDirectory(entries);
  const notices: string[] = [];
  const progress = new ProgressRecorder();
  await backfillProtocols(target(directory, notices, progress), [sieve]);
  assert.deepEqual(directory.modified.sort(), [dn(1), dn(2), dn(4), dn(5)]);
  assert.deepEqual([...entries.values()], [['pop3', 'imap', 'sieve'], ['sieve'], ['pop3', 'SIEVE'], ['imap', 'sieve'], ['pop3', 'sieve']]);
  assert.equal(directory.filters[0], '(&(objectClass=casMailbox)(!(casEnabledService=sieve)))');
  assert.deepEqual(progress.phases, [{ label: 'Adding protocol values', unit: 'mailboxes', total: 4, ticks: [2, 2] }]);
  assert.deepEqual(notices, [
    'Enabling ManageSieve (casEnabledService: sieve) for the 4 mailboxes made before casctl knew it, as a new mailbox gets it...',
    'Enabled ManageSieve (casEnabledService: sieve) for 4 mailboxes.',
  ]);
});

test('a value another writer added, or an entry deleted, since the read counts as done; a second run finds nothing to do', async () => {
  const entries = new Map<string, string[]>([[dn(1), []], [dn(2), []], [dn(3), []]]);
  const directory = new FakeDirectory(entries, new Map([[dn(1), 'adds the value'], [dn(2), 'deletes the entry']]));
  await backfillProtocols(target(directory), [sieve]);
  assert.deepEqual(directory.modified, [dn(3)]);
  assert.deepEqual([...entries.keys()], [dn(1), dn(3)]);
  const notices: string[] = [];
  await backfillProtocols(target(directory, notices), [sieve]);
  assert.deepEqual(notices, [], 'nothing left, nothing said');
});

test('any other failure stops the run as a StoreError, and what it did stays done', async () => {
  const entries = new Map<string, string[]>([[dn(1), []], [dn(2), []], [dn(3), []]]);
  const directory = new FakeDirectory(entries, new Map([[dn(2), 'is refused']]));
  await assert.rejects(backfillProtocols(target(directory), [sieve]), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.match(error.message, /^could not add sieve to cn=User 2,dc=example,dc=com: result 50$/);
    return true;
  });
  assert.ok(directory.modified.includes(dn(1)));
});
