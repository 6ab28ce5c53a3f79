/**
 * The counting invariant of a change, on random selections: every selected mailbox is one JSON
 * item with one status; the summary counts those statuses; the stderr summary line says the same
 * numbers; the Administrator never ends enabled. Seeded, so a failure names the seed that
 * repeats it (CASCTL_PROPERTY_SEED=<seed> runs that one again).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';
import { mailboxRecord, type MailboxSeed } from './memory-store.js';
import { seededRandom } from '../../scripts/seeded-random.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs casctl with these arguments against the store file. */
export type Runner = (args: readonly string[], store: string) => Promise<RunResult>;

interface Item {
  Guid: string;
  Name: string;
  Status: string;
  Changes: { Property: string; Before: boolean; After: boolean }[];
}
interface ChangeResult {
  WhatIf: boolean;
  ChangeId: number | null;
  Summary: Record<'Changed' | 'Unchanged' | 'Refused' | 'NotFound' | 'Ambiguous' | 'Failed', number>;
  Items: Item[];
}

const DOMAIN = 'example.com';
const OUS = [`${DOMAIN}/Sales`, `${DOMAIN}/Sales/East`, `${DOMAIN}/IT`, `${DOMAIN}/Engineering`] as const;
const DEPARTMENTS = ['Sales', 'IT', 'Engineering', null] as const;

/** A mailbox of the generated directory as the test knows it, apart from its current settings. */
interface Known {
  Name: string;
  Alias: string;
  PrimarySmtpAddress: string;
  OrganizationalUnit: string;
  Department: string | null;
  administrator: boolean;
}

/** `count` mailboxes: the Administrator, two pairs sharing a Name (ambiguous), the rest spread over OUs and departments. */
function directory(random: () => number, count: number): Known[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const known: Known[] = [{ Name: 'Administrator', Alias: 'Administrator', PrimarySmtpAddress: `administrator@${DOMAIN}`, OrganizationalUnit: `${DOMAIN}/IT`, Department: 'IT', administrator: true }];
  for (const [name, aliases] of [['Chris Green', ['cgreen', 'chris.green']], ['Dana Fox', ['dfox', 'dana.fox']]] as const) {
    // One Name in two OUs: the Name is ambiguous, each DN is not.
    aliases.forEach((alias, i) => {
      known.push({ Name: name, Alias: alias, PrimarySmtpAddress: `${alias}@${DOMAIN}`, OrganizationalUnit: OUS[i * 2] as string, Department: pick(DEPARTMENTS), administrator: false });
    });
  }
  for (let i = known.length; i < count; i++) {
    const alias = `user${i}`;
    known.push({ Name: `User ${i}`, Alias: alias, PrimarySmtpAddress: `${alias}@${DOMAIN}`, OrganizationalUnit: pick(OUS), Department: pick(DEPARTMENTS), administrator: false });
  }
  return known;
}

/** The store file, the directory in it, and the Administrator's row stored enabled or not. */
export async function generatedStore(
  dir: string,
  seed: number,
  count: number,
  administratorStoredEnabled: boolean,
): Promise<{ path: string; known: Known[]; changeIds: number[] }> {
  const random = seededRandom(seed);
  const known = directory(random, count);
  const path = join(dir, `counts-${seed}.db`);
  const store = await openStore(path, dir, { create: true });
  try {
    const seeds: MailboxSeed[] = known.map((k) => ({
      Name: k.Name,
      Alias: k.Alias,
      SamAccountName: k.administrator ? 'Administrator' : k.Alias,
      PrimarySmtpAddress: k.PrimarySmtpAddress,
      UserPrincipalName: k.PrimarySmtpAddress,
      EmailAddresses: [k.PrimarySmtpAddress],
      OrganizationalUnit: k.OrganizationalUnit,
      Department: k.Department,
      PopEnabled: random() < 0.7,
      ImapEnabled: random() < 0.7,
    }));
    await store.importMailboxes([seeds.map(mailboxRecord)], new Date('2026-01-01T00:00:00Z'));
  } finally {
    await store.close();
  }
  if (administratorStoredEnabled) {
    // What an older casctl, or a hand edit, may have left: the row enabled, though it reads disabled.
    // And a change an older casctl recorded: the Administrator's stored True → False, with others.
    const db = new Database(path);
    db.prepare("UPDATE mailboxes SET pop_enabled = 1, imap_enabled = 1 WHERE sam_account_name = 'Administrator'").run();
    db.prepare("INSERT INTO change_records (id, when_changed, os_user, host, command_line) VALUES (1, '2026-01-02T00:00:00.000Z', 'old', 'old-host', 'casctl set-casmailbox ...')").run();
    db.prepare(
      `INSERT INTO change_items (change_id, mailbox_id, mailbox_guid, property, before, after)
       SELECT 1, id, guid, 'PopEnabled', 1, 0 FROM mailboxes WHERE sam_account_name = 'Administrator' OR (pop_enabled = 0 AND id % 7 = 0)`,
    ).run();
    db.close();
  }
  return { path, known, changeIds: administratorStoredEnabled ? [1] : [] };
}

/** The Administrator's row as stored, not as read: pop_enabled, imap_enabled. */
function storedAdministrator(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare("SELECT pop_enabled, imap_enabled FROM mailboxes WHERE sam_account_name = 'Administrator'").get() as { pop_enabled: number; imap_enabled: number };
    return [row.pop_enabled, row.imap_enabled];
  } finally {
    db.close();
  }
}

/** Mailboxes as the store reads them now. */
interface Current {
  Guid: string;
  Name: string;
  Alias: string;
  PrimarySmtpAddress: string;
  OrganizationalUnit: string;
  Department: string | null;
  PopEnabled: boolean;
  ImapEnabled: boolean;
  IsAdministrator: boolean;
}

async function current(path: string, dir: string): Promise<Current[]> {
  const store = await openStore(path, dir, { create: false });
  try {
    const mailboxes: Current[] = [];
    const fields = ['Guid', 'Name', 'Alias', 'PrimarySmtpAddress', 'OrganizationalUnit', 'Department', 'PopEnabled', 'ImapEnabled', 'IsAdministrator'] as const;
    for await (const page of store.findMailboxes({}, fields)) mailboxes.push(...page);
    return mailboxes;
  } finally {
    await store.close();
  }
}

/** A filter the test can evaluate itself, so the expected selection does not come from the code under test. */
interface KnownFilter {
  text: string;
  matches: (m: Current) => boolean;
}

const FILTERS: readonly KnownFilter[] = [
  { text: "Department -eq 'Sales'", matches: (m) => m.Department === 'Sales' },
  { text: 'PopEnabled -eq $false', matches: (m) => !m.PopEnabled },
  { text: "Name -like 'User 1*'", matches: (m) => m.Name.startsWith('User 1') },
  { text: "Department -eq 'IT' -or Alias -eq 'Administrator'", matches: (m) => m.Department === 'IT' || m.Alias === 'Administrator' },
];

/** The ways an identity may name a mailbox: several of them name one mailbox twice. */
function identityOf(random: () => number, m: Current): string {
  const forms = [m.Alias, m.PrimarySmtpAddress, m.PrimarySmtpAddress.toUpperCase(), m.Guid, m.Guid.toUpperCase(), `${m.OrganizationalUnit}/${m.Name}`, m.Name];
  return forms[Math.floor(random() * forms.length)] as string;
}

interface Case {
  args: string[];
  /** Lower-case Guids of the mailboxes the selection holds. */
  expected: Set<string>;
  notFound: number;
  ambiguous: number;
}

/** The mailboxes an identity names, by every form the generated directory gives them. */
function namedBy(identity: string, mailboxes: readonly Current[]): Current[] {
  const text = identity.trim().toLowerCase();
  return mailboxes.filter((m) => [m.Guid, m.Name, m.Alias, m.PrimarySmtpAddress, `${m.OrganizationalUnit}/${m.Name}`].some((v) => v.toLowerCase() === text));
}

/** A random set-casmailbox selection and target values, and what it should select, worked out from the store's contents. */
function setCase(random: () => number, mailboxes: readonly Current[]): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const args: string[] = ['set-casmailbox'];
  let named: Set<string> | undefined;
  let notFound = 0;
  let ambiguous = 0;
  const useIdentities = random() < 0.7;
  if (useIdentities) {
    named = new Set();
    const identities: string[] = [];
    const count = 1 + Math.floor(random() * 12);
    for (let i = 0; i < count; i++) {
      const roll = random();
      if (roll < 0.1) identities.push('Administrator');
      else if (roll < 0.15) identities.push(`nobody${i}@${DOMAIN}`);
      else if (roll < 0.2) identities.push(pick(['Chris Green', 'Dana Fox']));
      else identities.push(identityOf(random, pick(mailboxes)));
    }
    // A mailbox named again by another form (or the same): used once.
    if (random() < 0.5) {
      const again = namedBy(pick(identities), mailboxes);
      if (again.length === 1) identities.push(identityOf(random, again[0] as Current));
    }
    for (const identity of identities) {
      args.push(identity);
      const matches = namedBy(identity, mailboxes);
      if (matches.length === 0) notFound++;
      else if (matches.length > 1) ambiguous++;
      else named.add((matches[0] as Current).Guid.toLowerCase());
    }
  }
  const ou = !useIdentities || random() < 0.3 ? (random() < 0.8 ? pick(OUS) : undefined) : undefined;
  const filter = !useIdentities && ou === undefined ? pick(FILTERS) : random() < 0.2 ? pick(FILTERS) : undefined;
  if (ou !== undefined) args.push('--organizational-unit', ou);
  if (filter !== undefined) args.push('--filter', filter.text);
  const properties = random() < 0.4 ? ['--pop-enabled', '--imap-enabled'] : [pick(['--pop-enabled', '--imap-enabled'])];
  for (const property of properties) args.push(property, random() < 0.5 ? 'true' : 'false');
  if (random() < 0.1) args.push('--atomic');
  const inOu = (m: Current): boolean =>
    ou === undefined || m.OrganizationalUnit.toLowerCase() === ou.toLowerCase() || m.OrganizationalUnit.toLowerCase().startsWith(`${ou.toLowerCase()}/`);
  const expected = new Set(
    mailboxes.filter((m) => (named === undefined || named.has(m.Guid.toLowerCase())) && inOu(m) && (filter === undefined || filter.matches(m))).map((m) => m.Guid.toLowerCase()),
  );
  return { args, expected, notFound, ambiguous };
}

function summaryLine(stderr: string): number[] {
  const line = /(?:What if: would change|Changed) (\d+), unchanged (\d+), refused (\d+), not found (\d+), ambiguous (\d+), failed (\d+)\./.exec(stderr);
  assert.ok(line, 'a summary line on stderr');
  return line.slice(1).map(Number);
}

/** What every change result must hold, whatever the selection. */
function checkResult(run: RunResult, distinct: number, atomicAbort: boolean): ChangeResult {
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}`);
  const result = JSON.parse(run.stdout) as ChangeResult;
  const guids = new Set(result.Items.map((i) => i.Guid.toLowerCase()));
  assert.equal(guids.size, result.Items.length, 'each mailbox in exactly one item');
  assert.equal(result.Items.length, distinct, 'one item per distinct selected mailbox');
  const count = (...statuses: string[]): number => result.Items.filter((i) => statuses.includes(i.Status)).length;
  const s = result.Summary;
  assert.deepEqual([s.Changed, s.Unchanged, s.Refused, s.Failed], [count('change'), count('unchanged'), count('refused'), count('conflict', 'failed')], 'the summary counts the item statuses');
  assert.equal(s.Changed + s.Unchanged + s.Refused + s.Failed, distinct, 'the counts add up to the mailboxes');
  if (!atomicAbort) assert.deepEqual(summaryLine(run.stderr), [s.Changed, s.Unchanged, s.Refused, s.NotFound, s.Ambiguous, s.Failed], 'stderr says what the JSON says');
  return result;
}

/** The change record of an applied result lists exactly its changed items; the Administrator is in none as enabled. */
async function checkRecord(runner: Runner, path: string, result: ChangeResult): Promise<void> {
  if (result.WhatIf) return;
  assert.equal(result.ChangeId === null, result.Summary.Changed === 0, 'a change id exactly when something changed');
  if (result.ChangeId === null) return;
  const log = await runner(['get-changelog', '-o', 'json'], path);
  const records = JSON.parse(log.stdout) as { Id: number; Changes: { Guid: string; Name: string; After: boolean }[] }[];
  const record = records.find((r) => r.Id === result.ChangeId);
  assert.ok(record, `change ${result.ChangeId} is recorded`);
  const changed = new Set(result.Items.filter((i) => i.Status === 'change').map((i) => i.Guid.toLowerCase()));
  assert.deepEqual(new Set(record.Changes.map((c) => c.Guid.toLowerCase())), changed, 'the record holds the items that changed, and only those');
}

/** A run with `-o table`: the stderr summary adds up to the mailboxes, and an applied one's record holds its Changed. */
async function checkTableRun(runner: Runner, path: string, args: readonly string[], distinct: number, expected: Case | undefined): Promise<number | null> {
  const run = await runner(args, path);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  if (/Nothing was changed: --atomic/.test(run.stderr)) return null;
  const [changed = 0, unchanged = 0, refused = 0, notFound, ambiguous, failed = 0] = summaryLine(run.stderr);
  assert.equal(changed + unchanged + refused + failed, distinct, 'the stderr counts add up to the mailboxes');
  if (expected !== undefined) assert.deepEqual([notFound, ambiguous], [expected.notFound, expected.ambiguous], 'identities not found and ambiguous');
  assert.doesNotMatch(run.stderr, /another change/, 'the store and the plan decided alike');
  const id = /Recorded as change (\d+)/.exec(run.stderr)?.[1];
  assert.equal(id === undefined, args.includes('--what-if') || changed === 0, 'recorded exactly when something changed');
  if (id === undefined) return null;
  const log = JSON.parse((await runner(['get-changelog', '-o', 'json'], path)).stdout) as { Id: number; Changes: { Guid: string }[] }[];
  assert.equal(new Set(log.find((r) => r.Id === Number(id))?.Changes.map((c) => c.Guid.toLowerCase())).size, changed, 'the record holds as many mailboxes as Changed');
  return Number(id);
}

async function checkAdministrator(path: string, dir: string, storedEnabled: boolean): Promise<void> {
  const administrator = (await current(path, dir)).find((m) => m.IsAdministrator);
  assert.deepEqual([administrator?.PopEnabled, administrator?.ImapEnabled], [false, false], 'the Administrator never ends enabled');
  if (!storedEnabled) assert.deepEqual(storedAdministrator(path), [0, 0], 'nor is it stored enabled');
}

export interface PropertyOptions {
  runner: Runner;
  dir: string;
  seed: number;
  mailboxes: number;
  iterations: number;
  administratorStoredEnabled: boolean;
}

/**
 * Random set-casmailbox runs (what-if and applied) and undos of earlier changes, each checked;
 * a failure says the seed, the iteration and the command line.
 */
export async function checkChangeCounts(options: PropertyOptions): Promise<void> {
  const { runner, dir, seed } = options;
  const random = seededRandom(seed ^ 0x5eed);
  const { path, changeIds } = await generatedStore(dir, seed, options.mailboxes, options.administratorStoredEnabled);
  const applied = [...changeIds];
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    let args: string[] = [];
    try {
      const mailboxes = await current(path, dir);
      const undo = applied.length > 0 && random() < 0.25;
      const mode = random() < 0.5 ? ['--what-if'] : ['--yes'];
      let distinct: number;
      let expected: Case | undefined;
      if (undo) {
        const id = applied[Math.floor(random() * applied.length)] as number;
        args = ['undo', String(id), ...mode, '-o', 'json'];
        const log = JSON.parse((await runner(['get-changelog', '-o', 'json'], path)).stdout) as { Id: number; Changes: { Guid: string }[] }[];
        distinct = new Set(log.find((r) => r.Id === id)?.Changes.map((c) => c.Guid.toLowerCase())).size;
      } else {
        expected = setCase(random, mailboxes);
        args = [...expected.args, ...mode, '-o', 'json'];
        distinct = expected.expected.size;
      }
      // A table report holds no items: its summary is counted from the store's figures instead.
      if (random() < 0.2) {
        args = [...args.slice(0, -2), '-o', 'table'];
        const recorded = await checkTableRun(runner, path, args, distinct, expected);
        if (recorded !== null) applied.push(recorded);
        await checkAdministrator(path, dir, options.administratorStoredEnabled);
        continue;
      }
      const run = await runner(args, path);
      const result = checkResult(run, distinct, /Nothing was changed: --atomic/.test(run.stderr));
      // No other writer runs here: the store must do exactly what the plan said.
      assert.doesNotMatch(run.stderr, /another change/, 'the store and the plan decided alike');
      const administratorGuid = mailboxes.find((m) => m.IsAdministrator)?.Guid.toLowerCase();
      const enabling = result.Items.filter((i) => i.Guid.toLowerCase() === administratorGuid && i.Status === 'change' && i.Changes.some((c) => c.After));
      assert.deepEqual(enabling, [], 'no plan enables the Administrator');
      if (expected !== undefined) {
        assert.deepEqual(new Set(result.Items.map((i) => i.Guid.toLowerCase())), expected.expected, 'the items are the selected mailboxes');
        assert.deepEqual([result.Summary.NotFound, result.Summary.Ambiguous], [expected.notFound, expected.ambiguous], 'identities not found and ambiguous');
      }
      await checkRecord(runner, path, result);
      if (result.ChangeId !== null) applied.push(result.ChangeId);
      await checkAdministrator(path, dir, options.administratorStoredEnabled);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`seed ${seed} (CASCTL_PROPERTY_SEED=${seed}), iteration ${iteration}: casctl ${args.join(' ')}\n${message}`, { cause: error });
    }
  }
  // Nothing ever recorded the Administrator as enabled, and only the old change holds it at all.
  const log = JSON.parse((await runner(['get-changelog', '-o', 'json'], path)).stdout) as { Id: number; Changes: { PrimarySmtpAddress: string; After: boolean }[] }[];
  const holding = log.filter((r) => r.Changes.some((c) => c.PrimarySmtpAddress === `administrator@${DOMAIN}`)).map((r) => r.Id);
  assert.deepEqual(holding, changeIds, `seed ${seed}: a change of casctl's changed the Administrator`);
}

/** The seed to run: CASCTL_PROPERTY_SEED when set (to repeat a failure), else a new one. */
export function propertySeed(): number {
  const given = process.env.CASCTL_PROPERTY_SEED;
  return given === undefined || given === '' ? Math.floor(Math.random() * 2 ** 31) : Number(given);
}
