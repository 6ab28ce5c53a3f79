import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { casctl, json, sampleStore, STORE_KINDS } from '../helpers/cli.js';
import { checkNonAsciiSelections, juergenCsv } from '../helpers/non-ascii-identities.js';

type Row = Record<string, unknown>;

async function cas(store: string, identity: string): Promise<Row> {
  const result = await casctl(['get-casmailbox', identity, '-o', 'json'], { store });
  assert.equal(result.code, 0, result.stderr);
  const rows = json<Row[]>(result);
  assert.equal(rows.length, 1);
  return rows[0] as Row;
}

// Store-agnostic: every test runs on SQLite and on LDAP (a slapd of its own per test).
for (const kind of STORE_KINDS) {
  describe(`on ${kind}`, () => {
    test('disables POP3 and IMAP4 for Rand Zaher and reads it back from another process', async () => {
      const store = await sampleStore(kind);
      const before = await cas(store, 'Rand Zaher');
      assert.equal(before.PopEnabled, true);
      // LDAP's modifyTimestamp counts whole seconds.
      if (kind === 'ldap') await sleep(1100);
      assert.equal(before.ImapEnabled, true);
      const set = await casctl(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'false', '--imap-enabled', 'false'], { store });
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, '', 'a change prints no data');
      assert.match(set.stderr, /MSExchangePOP3.*MSExchangeIMAP4/s, 'names the services to refresh');
      const after = await cas(store, 'Rand Zaher');
      assert.equal(after.PopEnabled, false);
      assert.equal(after.ImapEnabled, false);
      assert.ok(String(after.WhenChanged) > String(before.WhenChanged), 'WhenChanged moves on');
      const enable = await casctl(['set-casmailbox', 'Rand Zaher', '--pop-enabled', 'true', '--imap-enabled', 'true'], { store });
      assert.equal(enable.code, 0, enable.stderr);
      assert.equal((await cas(store, 'rand.zaher@tailspintoys.com')).PopEnabled, true);
    });

    test('Exchange spellings work as typed in PowerShell', async () => {
      const store = await sampleStore(kind);
      const set = await casctl(['Set-CASMailbox', '-Identity', 'Rand Zaher', '-PopEnabled', '$false', '-ImapEnabled:$false'], { store });
      assert.equal(set.code, 0, set.stderr);
      const get = await casctl(['Get-CASMailbox', '-Identity', 'rzaher', '-Output', 'json'], { store });
      assert.equal(get.code, 0, get.stderr);
      const [row] = json<Row[]>(get);
      assert.equal(row?.PopEnabled, false);
      assert.equal(row?.ImapEnabled, false);
    });

    test('only the named protocol changes', async () => {
      const store = await sampleStore(kind);
      assert.equal((await casctl(['set-casmailbox', 'rzaher', '--imap-enabled', '$false'], { store })).code, 0);
      const row = await cas(store, 'rzaher');
      assert.equal(row.PopEnabled, true);
      assert.equal(row.ImapEnabled, false);
    });

    test('the Administrator mailbox is refused and always reads disabled', async () => {
      const store = await sampleStore(kind);
      const shown = await cas(store, 'Administrator');
      assert.equal(shown.PopEnabled, false, 'stored TRUE in the sample, shown false');
      assert.equal(shown.ImapEnabled, false);
      const set = await casctl(['set-casmailbox', 'Administrator', '--pop-enabled', 'true'], { store });
      assert.equal(set.code, 1);
      assert.match(set.stderr, /Administrator mailbox 'Administrator' can't be enabled for POP3 or IMAP4/);
      const filtered = await casctl(['get-casmailbox', '--filter', 'PopEnabled -eq $true', '-o', 'id'], { store });
      assert.ok(!filtered.stdout.includes(String(shown.Guid)), 'filters see the effective value too');
    });

    test('an ambiguous identity names the candidates with their Guids and changes nothing', async () => {
      const store = await sampleStore(kind);
      const list = async (): Promise<Row[]> =>
        json<Row[]>(await casctl(['get-casmailbox', '--filter', "Name -eq 'Chris Green'", '-o', 'json'], { store }));
      const before = await list();
      assert.equal(before.length, 2);
      const set = await casctl(['set-casmailbox', 'Chris Green', '--pop-enabled', 'false', '--imap-enabled', 'false'], { store });
      assert.equal(set.code, 1);
      assert.match(set.stderr, /The operation couldn't be performed because 'Chris Green' matches multiple entries\./);
      for (const row of before) assert.ok(set.stderr.includes(String(row.Guid)), 'each candidate Guid is listed');
      assert.deepEqual(await list(), before, 'nothing changed');
      const get = await casctl(['get-casmailbox', 'chris green'], { store });
      assert.equal(get.code, 1);
      assert.match(get.stderr, /matches multiple entries/);
    });

    test('an unknown identity is reported as not found; the others proceed', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['get-casmailbox', 'nobody@tailspintoys.com', 'rzaher', '-o', 'json'], { store });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /The operation couldn't be performed because object 'nobody@tailspintoys.com' couldn't be found on '(sqlite|ldap):/);
      assert.deepEqual(json<Row[]>(result).map((r) => r.Name), ['Rand Zaher']);
    });

    test('a no-op gives Exchange\'s warning and exit 0', async () => {
      const store = await sampleStore(kind);
      await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], { store });
      const again = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', 'false'], { store });
      assert.equal(again.code, 0);
      assert.match(again.stderr, /WARNING: The command completed successfully but no settings of 'rzaher' have been modified\./);
    });

    test('a bad boolean is a usage error and changes nothing', async () => {
      const store = await sampleStore(kind);
      for (const bad of ['maybe', '2', '']) {
        const result = await casctl(['set-casmailbox', 'rzaher', '--pop-enabled', bad], { store });
        assert.equal(result.code, 2, bad);
        assert.match(result.stderr, /--pop-enabled takes true\/false/);
      }
      const shellEaten = await casctl(['set-casmailbox', 'rzaher', '-PopEnabled:'], { store });
      assert.equal(shellEaten.code, 2);
      assert.match(shellEaten.stderr, /quotes/);
      // -PopEnabled $false -ImapEnabled $false, unquoted: the shell leaves two options without values.
      const bothEaten = await casctl(['Set-CASMailbox', 'rzaher', '-PopEnabled', '-ImapEnabled'], { store });
      assert.equal(bothEaten.code, 2);
      assert.match(bothEaten.stderr, /not '--imap-enabled' \(a Unix shell expands an unquoted \$false to nothing: write '\$false' in quotes/);
      const trailing = await casctl(['set-casmailbox', 'rzaher', '-PopEnabled'], { store });
      assert.equal(trailing.code, 2);
      assert.match(trailing.stderr, /argument missing[\s\S]*your shell removed it: quote it \('\$false'\)/);
      const filterEaten = await casctl(['get-casmailbox', '--filter', 'PopEnabled -eq '], { store });
      assert.equal(filterEaten.code, 2);
      assert.match(filterEaten.stderr, /your shell removed it: quote the filter in single quotes/);
      assert.equal((await cas(store, 'rzaher')).PopEnabled, true);
    });

    test('set-casmailbox needs a setting and a selection', async () => {
      const store = await sampleStore(kind);
      assert.equal((await casctl(['set-casmailbox', 'rzaher'], { store })).code, 2);
      const none = await casctl(['set-casmailbox', '--pop-enabled', 'false'], { store });
      assert.equal(none.code, 2);
      assert.match(none.stderr, /Name the mailboxes/);
    });

    test('every identity form resolves, case-insensitively', async () => {
      const store = await sampleStore(kind);
      const [rand] = json<Row[]>(await casctl(['get-mailbox', 'rand.zaher@tailspintoys.com', '-o', 'json'], { store }));
      assert.ok(rand);
      const forms = [
        'Rand Zaher', 'RAND ZAHER', 'rzaher', 'RZaher@TailspinToys.com', String(rand.Guid), String(rand.Guid).toUpperCase(),
        String(rand.DistinguishedName), 'tailspintoys.com/North America/Engineering/Rand Zaher', 'TAILSPINTOYS\\rzaher',
        'tailspintoys.com\\rzaher', 'rzaher@tailspintoys.com',
      ];
      for (const form of forms) assert.equal((await cas(store, form)).Guid, rand.Guid, form);
    });

    test('non-ASCII names resolve whatever their case', async () => {
      const store = await sampleStore(kind);
      const zoe = await cas(store, 'Zoë Müller');
      assert.equal(zoe.Name, 'Zoë Müller');
      assert.equal((await cas(store, 'ZOË MÜLLER')).Guid, zoe.Guid);
      assert.equal((await cas(store, 'zoë müller')).Guid, zoe.Guid);
    });

    test("a wildcard or exact identity beyond ASCII searches the same names as an ASCII one: get-mailbox 'jür*' finds a SamAccountName", async () => {
      const store = await sampleStore(kind);
      const imported = await casctl(['import', juergenCsv()], { store });
      assert.equal(imported.code, 0, imported.stderr);
      await checkNonAsciiSelections((args) => casctl(args, { store }));
    });

    test('get commands accept * wildcards', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['get-mailbox', 'rand*', '-o', 'json', '--property', 'Name,Alias'], { store });
      assert.equal(result.code, 0, result.stderr);
      const names = json<Row[]>(result).map((r) => r.Name);
      assert.ok(names.includes('Rand Zaher') && names.includes('Rand Kowalski') && names.includes('Randall Okafor'), names.join());
      assert.deepEqual(Object.keys(json<Row[]>(result)[0] ?? {}), ['Name', 'Alias']);
      const set = await casctl(['set-casmailbox', 'rand*', '--pop-enabled', 'false'], { store });
      assert.equal(set.code, 1, 'set takes no wildcards: rand* is a literal identity');
      assert.match(set.stderr, /couldn't be found/);
    });

    test('a bulk change needs --yes when nobody can be asked', async () => {
      const store = await sampleStore(kind);
      const result = await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false'], { store });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--yes/);
      assert.equal((await cas(store, 'rzaher')).PopEnabled, true, 'nothing changed');
      const yes = await casctl(['set-casmailbox', 'rzaher', 'ebrunner@tailspintoys.com', '--pop-enabled', 'false', '-Confirm:$false'], { store });
      assert.equal(yes.code, 0, yes.stderr);
      assert.equal((await cas(store, 'ebrunner@tailspintoys.com')).PopEnabled, false);
    });

    test('-o ndjson: get-casmailbox writes the objects of -o json, one per line', async () => {
      const store = await sampleStore(kind);
      for (const extra of [[], ['--property', 'Name,PopEnabled']]) {
        const args = ['get-casmailbox', '--organizational-unit', 'North America/Finance', ...extra];
        const [lines, array] = await Promise.all([casctl([...args, '-o', 'ndjson'], { store }), casctl([...args, '-o', 'json'], { store })]);
        assert.equal(lines.code, 0, lines.stderr);
        assert.ok(lines.stdout.endsWith('\n'));
        const rows = json<Row[]>(array);
        assert.ok(rows.length > 5);
        assert.deepEqual(lines.stdout.slice(0, -1).split('\n'), rows.map((row) => JSON.stringify(row)));
      }
      const none = await casctl(['get-casmailbox', '--filter', "Name -eq 'nobody'", '-o', 'ndjson'], { store });
      assert.equal(none.code, 0, none.stderr);
      assert.equal(none.stdout, '', 'no mailboxes, no lines');
    });

    test('-o ndjson: set-casmailbox --what-if writes one line per change item, the summary on stderr; applied likewise', async () => {
      const store = await sampleStore(kind);
      const args = ['set-casmailbox', '--organizational-unit', 'North America/Finance', '--pop-enabled', 'false', '--what-if'];
      const [lines, whole] = await Promise.all([casctl([...args, '-o', 'ndjson'], { store }), casctl([...args, '-o', 'json'], { store })]);
      assert.equal(lines.code, 0, lines.stderr);
      const { Summary, Items } = json<{ Summary: Record<string, number>; Items: Row[] }>(whole);
      assert.deepEqual(lines.stdout.slice(0, -1).split('\n'), Items.map((item) => JSON.stringify(item)));
      assert.match(lines.stderr, new RegExp(`What if: would change ${Summary.Changed}, unchanged ${Summary.Unchanged},`));
      assert.equal((await cas(store, 'hrim@tailspintoys.com')).PopEnabled, true, 'a what-if changes nothing');

      const applied = await casctl(['set-casmailbox', 'rzaher', 'hrim@tailspintoys.com', '--imap-enabled', 'false', '--yes', '-o', 'ndjson'], { store });
      assert.equal(applied.code, 0, applied.stderr);
      const items = applied.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Row);
      assert.deepEqual(items.map((item) => `${String(item.Identity)} ${String(item.Status)}`).sort(), ['hrim@tailspintoys.com change', 'rzaher change']);
      assert.match(applied.stderr, /Changed 2, .*Recorded as change \d+/s);
    });
  });
}

test('mailboxes piped in by Guid (-o id) are named in warnings by Name <address>, not by their Guid', async () => {
  const store = await sampleStore();
  const ids = await casctl(['get-casmailbox', 'rzaher', 'Administrator', '-o', 'id'], { store });
  assert.equal(ids.code, 0, ids.stderr);
  // Rand Zaher has POP3 already; the Administrator may never have it.
  const result = await casctl(['set-casmailbox', '-', '--pop-enabled', 'true'], { store, input: ids.stdout });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /WARNING: The command completed successfully but no settings of 'Rand Zaher <rand\.zaher@tailspintoys\.com>' have been modified\./);
  assert.match(result.stderr, /ERROR: The Administrator mailbox 'Administrator <administrator@tailspintoys\.com>' can't be enabled for POP3 or IMAP4\./);
  assert.doesNotMatch(result.stderr, /[0-9a-f]{8}-[0-9a-f]{4}-/i, 'no Guid in the messages');
});
