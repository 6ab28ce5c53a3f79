import Database from 'better-sqlite3';

/**
 * Back-dates when mailboxes of a SQLite store were created (all of them, or those with these
 * addresses): a store made by a test is minutes old, and an `unusedFor` audit spares mailboxes
 * younger than its period. A directory in use for years, as the test pretends, has older ones.
 */
export function setWhenCreated(storePath: string, when: Date, addresses?: readonly string[]): void {
  const db = new Database(storePath);
  try {
    const stamp = when.toISOString();
    if (addresses === undefined) {
      db.prepare('UPDATE mailboxes SET when_created = ?').run(stamp);
      return;
    }
    const update = db.prepare('UPDATE mailboxes SET when_created = ? WHERE primary_smtp_address = ? COLLATE NOCASE');
    db.transaction(() => {
      for (const address of addresses) if (update.run(stamp, address).changes !== 1) throw new Error(`no mailbox has the address ${address}`);
    })();
  } finally {
    db.close();
  }
}
