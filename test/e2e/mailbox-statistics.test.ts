/**
 * get-mailboxstatistics against real Dovecot 2.3 and 2.4: mail delivered with doveadm save into
 * a few mailboxes (several folders, unicode and odd addresses, one never delivered to) and
 * Maildirs written for a few hundred more, so "everyone" spans several doveadm calls. The counts
 * and sizes casctl shows must be exactly what was delivered.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { storeFromCsv } from '../helpers/bulk-setup.js';
import { casctl, tempDir, type CliResult } from '../helpers/cli.js';
import { DOVECOT_VERSIONS, dovecotSkipReason, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { recordLogons } from '../helpers/last-logons.js';
import { deliver, message, ownLikeMailRoot, writeMaildir, type Holding } from '../helpers/maildir.js';

interface Named {
  name: string;
  address: string;
  department: string;
  /** Messages per folder: how many, of about what size, with what text in the body. */
  folders: Record<string, { count: number; bytes: number; text?: string }>;
}

const NAMED: readonly Named[] = [
  { name: 'Ada Lovelace', address: 'ada@stats.example', department: 'Sales', folders: { INBOX: { count: 3, bytes: 900 }, Sent: { count: 2, bytes: 1500 } } },
  { name: 'Zoë Müller', address: 'zoë.müller@stats.example', department: 'Sales', folders: { INBOX: { count: 5, bytes: 2100, text: 'Grüße aus Zürich, 東京' } } },
  { name: "Ciarán O'Neil", address: "o'neil+stats@stats.example", department: 'Support', folders: { INBOX: { count: 1, bytes: 1_300_000 } } },
  { name: '李雷', address: 'li.lei@例子.example', department: 'Support', folders: { 'Archive.2025': { count: 2, bytes: 700, text: '你好' } } },
  { name: 'Never Delivered', address: 'never@stats.example', department: 'Support', folders: {} },
];
/** Mailboxes with Maildirs written to disk: i % 4 messages each. */
const BULK = 520;
const bulkAddress = (i: number): string => `bulk${i}@bulk.stats.example`;

const json = (result: CliResult): Record<string, unknown>[] => {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
};

for (const version of DOVECOT_VERSIONS) {
  describe(`Dovecot ${version}: get-mailboxstatistics counts what was delivered`, { skip: dovecotSkipReason(version) }, () => {
    let dovecot: Dovecot;
    let dir: string;
    let store: string;
    let env: NodeJS.ProcessEnv;
    const expected = new Map<string, Holding>();
    const run = (args: readonly string[], input?: string): Promise<CliResult> => casctl(['get-mailboxstatistics', ...args], { env, ...(input === undefined ? {} : { input }) });
    const config = (name: string, services: unknown): NodeJS.ProcessEnv => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify({ store, services }));
      return { CASCTL_CONFIG: path };
    };

    before(async () => {
      dir = tempDir();
      const rows = [
        // SamAccountName given: Active Directory's rules refuse the one O'Neil's address would give.
        ...NAMED.map((m, i) => `"${m.name}",${m.address},named${i},stats.example/${m.department},${m.department},{PLAIN}pw`),
        ...Array.from({ length: BULK }, (_, i) => `Bulk ${i},${bulkAddress(i)},bulk${i},stats.example/Bulk,Bulk,{PLAIN}pw`),
      ];
      store = await storeFromCsv(dir, ['Name,PrimarySmtpAddress,SamAccountName,OrganizationalUnit,Department,Password', ...rows]);
      const written = await casctl(['get-dovecotconfig', '--write', join(dir, 'dovecot'), '--store', store, '--dovecot-version', version]);
      assert.equal(written.code, 0, written.stderr);
      // Logins (and so doveadm's users) beyond ASCII, as the README tells admins to allow.
      dovecot = await startDovecot({ version, authInclude: join(dir, 'dovecot', 'casctl-auth.conf'), extraConfig: 'auth_username_chars =' });
      env = config('casctl.config.json', { preset: 'dovecot', config: dovecot.config, doveadm: dovecot.doveadmPrefix });

      for (const mailbox of NAMED) {
        const holding: Holding = { messages: 0, vsize: 0 };
        for (const [folder, { count, bytes, text }] of Object.entries(mailbox.folders)) {
          const texts = Array.from({ length: count }, (_, k) => message(`${mailbox.address}-${folder}-${k}`, bytes + k * 37, text));
          const delivered = deliver(dovecot, mailbox.address, texts, folder);
          holding.messages += delivered.messages;
          holding.vsize += delivered.vsize;
        }
        expected.set(mailbox.address, holding);
      }
      for (let i = 0; i < BULK; i++) {
        const texts = Array.from({ length: i % 4 }, (_, k) => message(`${bulkAddress(i)}-${k}`, 300 + i + k * 11));
        expected.set(bulkAddress(i), writeMaildir(join(dovecot.base, 'mail', 'bulk.stats.example', `bulk${i}`), texts));
      }
      ownLikeMailRoot(join(dovecot.base, 'mail'));
    });
    after(async () => {
      await dovecot?.stop();
    });

    test('everyone, -o json: every mailbox has exactly the messages and bytes delivered; one never delivered to has 0', async () => {
      const result = await run(['-o', 'json']);
      const records = json(result);
      assert.equal(records.length, NAMED.length + BULK);
      for (const record of records) {
        const holding = expected.get(record.PrimarySmtpAddress as string);
        assert.ok(holding !== undefined, `unexpected ${String(record.PrimarySmtpAddress)}`);
        assert.deepEqual([record.ItemCount, record.TotalItemSize], [holding.messages, holding.vsize], String(record.PrimarySmtpAddress));
      }
      const never = records.find((r) => r.PrimarySmtpAddress === 'never@stats.example');
      assert.deepEqual([never?.ItemCount, never?.TotalItemSize, never?.DisplayName], [0, 0, 'Never Delivered']);
      assert.deepEqual(Object.keys(records[0] ?? {}), ['DisplayName', 'PrimarySmtpAddress', 'ItemCount', 'TotalItemSize', 'LastLogonTime', 'LastPopLogonTime', 'LastImapLogonTime', 'LastOwaLogonTime', 'Guid']);
      // Nothing records logins here: the times are empty, said once.
      assert.ok(records.every((r) => r.LastLogonTime === null && r.LastPopLogonTime === null && r.LastImapLogonTime === null && r.LastOwaLogonTime === null));
      assert.equal(result.stderr.match(/WARNING: LastLogonTime, LastPopLogonTime, LastImapLogonTime, LastOwaLogonTime are empty\. Logins are not recorded/g)?.length, 1, result.stderr);
      // Deciding on activity that nobody records is refused, not answered with "nobody".
      const filtered = await run(['--filter', 'LastPopLogonTime -eq $null', '-o', 'json']);
      assert.equal(filtered.code, 3, filtered.stderr);
      assert.match(filtered.stderr, /The filter names a last logon time or address\. Logins are not recorded/);
    });

    test('one mailbox by its name, -o list: TotalItemSize as Exchange writes it', async () => {
      const result = await run(["Ciarán O'Neil", '-o', 'list', '--property', 'DisplayName,ItemCount,TotalItemSize']);
      assert.equal(result.code, 0, result.stderr);
      const holding = expected.get("o'neil+stats@stats.example") as Holding;
      const size = `${Number((holding.vsize / 1024 ** 2).toPrecision(4))} MB (${holding.vsize.toLocaleString('en-US')} bytes)`;
      assert.equal(result.stdout, `\nDisplayName   : Ciarán O'Neil\nItemCount     : 1\nTotalItemSize : ${size}\n\n`);
    });

    test('a selection by filter, -o csv: the bytes as a number; by --file and stdin alike', async () => {
      const csv = await run(['--filter', "Department -eq 'Sales'", '-o', 'csv', '--property', 'PrimarySmtpAddress,ItemCount,TotalItemSize']);
      assert.equal(csv.code, 0, csv.stderr);
      const line = (address: string): string => `${address},${expected.get(address)?.messages},${expected.get(address)?.vsize}`;
      assert.equal(csv.stdout, ['PrimarySmtpAddress,ItemCount,TotalItemSize', line('ada@stats.example'), line('zoë.müller@stats.example'), ''].join('\r\n'));

      const file = join(dir, 'some.txt');
      writeFileSync(file, '\uFEFFli.lei@例子.example\r\n# a comment\r\nbulk7@bulk.stats.example\r\n');
      const fromFile = json(await run(['--file', file, '-o', 'json']));
      const fromStdin = json(await run(['-', '-o', 'json'], 'li.lei@例子.example\nbulk7@bulk.stats.example\n'));
      for (const records of [fromFile, fromStdin]) {
        assert.deepEqual(
          records.map((r) => [r.PrimarySmtpAddress, r.ItemCount, r.TotalItemSize]),
          ['li.lei@例子.example', bulkAddress(7)].map((a) => [a, expected.get(a)?.messages, expected.get(a)?.vsize]),
        );
      }
    });

    test('the default table: DisplayName, ItemCount, TotalItemSize, LastLogonTime; --result-size cuts it short, saying so', async () => {
      const result = await run(['--organizational-unit', 'stats.example/Support', '--result-size', '2']);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^DisplayName\s+ItemCount\s+TotalItemSize\s+LastLogonTime$/);
      assert.equal(lines.length, 4, result.stdout);
      assert.match(result.stdout, /Ciarán O'Neil\s+1\s+1\.\d+ MB \(1,\d{3},\d{3} bytes\)/);
      assert.match(result.stderr, /Only the first 2 items are shown/);
    });

    test('recorded logins: each protocol its own time, LastLogonTime the latest of them', async () => {
      const pop = new Date('2026-11-30T08:15:00Z');
      const imap = new Date('2026-12-01T17:45:00Z');
      recordLogons(join(dir, 'bulk.last-logons.db'), [
        { user: 'zoë.müller@stats.example', service: 'pop3', clientAddress: '192.0.2.7', time: pop },
        { user: 'zoë.müller@stats.example', service: 'imap', clientAddress: '192.0.2.8', time: imap },
        { user: 'ada@stats.example', service: 'pop3', time: pop },
      ]);
      const result = await run(['--filter', "Department -eq 'Sales'", '-o', 'json']);
      const byAddress = new Map(json(result).map((r) => [r.PrimarySmtpAddress, r]));
      assert.deepEqual(
        ['LastLogonTime', 'LastPopLogonTime', 'LastImapLogonTime'].map((p) => byAddress.get('zoë.müller@stats.example')?.[p]),
        [imap.toISOString(), pop.toISOString(), imap.toISOString()],
      );
      assert.deepEqual(
        ['LastLogonTime', 'LastPopLogonTime', 'LastImapLogonTime'].map((p) => byAddress.get('ada@stats.example')?.[p]),
        [pop.toISOString(), pop.toISOString(), null],
      );
      assert.doesNotMatch(result.stderr, /not recorded/);

      const recent = await run(['--filter', "LastPopLogonTime -ge '2026-11-01'", '-o', 'csv', '--property', 'PrimarySmtpAddress,ItemCount,LastPopLogonTime']);
      assert.equal(recent.code, 0, recent.stderr);
      assert.deepEqual(recent.stdout.split('\r\n').filter(Boolean), [
        'PrimarySmtpAddress,ItemCount,LastPopLogonTime',
        `ada@stats.example,${expected.get('ada@stats.example')?.messages},${pop.toISOString()}`,
        `zoë.müller@stats.example,${expected.get('zoë.müller@stats.example')?.messages},${pop.toISOString()}`,
      ]);
    });

    test('a doveadm that cannot read the configuration: exit 4, the batch named, no rows', async () => {
      const broken = config('broken.json', { preset: 'dovecot', config: join(dir, 'missing-dovecot.conf'), doveadm: dovecot.doveadmPrefix });
      const result = await casctl(['get-mailboxstatistics', 'ada@stats.example', 'never@stats.example', '-o', 'json'], { env: broken });
      assert.equal(result.code, 4, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), []);
      assert.match(result.stderr, /ERROR: Could not read the statistics of 2 mailboxes \(ada@stats\.example … never@stats\.example\); no further ones are read: .*missing-dovecot\.conf/s);
    });

    test('two mail servers: the first cannot be reached, the second answers for every batch (ServerName), said once', async () => {
      const servers = config('servers.json', {
        preset: 'dovecot',
        servers: [
          { name: 'mx1', doveadm: [join(dir, 'no-such-doveadm')] },
          { name: 'mx2', config: dovecot.config, doveadm: dovecot.doveadmPrefix },
        ],
      });
      const result = await casctl(['get-mailboxstatistics', '-o', 'json'], { env: servers });
      const records = json(result);
      assert.equal(records.length, NAMED.length + BULK);
      assert.ok(records.every((r) => r.ServerName === 'mx2' && r.ItemCount === expected.get(r.PrimarySmtpAddress as string)?.messages));
      assert.equal(result.stderr.match(/WARNING: mx1 could not be read, so mx2 answers instead/g)?.length, 1, result.stderr);
    });
  });
}
