import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { casctl, tempDir } from './cli.js';

/** A generated directory of `count` mailboxes (no passwords, so importing is quick), in a new store. */
export async function bigStore(count: number): Promise<string> {
  const dir = tempDir();
  const csv = join(dir, 'big.csv');
  const lines = ['Name,PrimarySmtpAddress,OrganizationalUnit,Department,StateOrProvince,PopEnabled,ImapEnabled'];
  for (let i = 0; i < count; i++) {
    lines.push(`User ${i},user${i}@big.example,big.example/Region ${i % 7}/Team ${i % 31},Dept ${i % 13},S${i % 50},true,true`);
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const store = join(dir, 'big.db');
  for (const args of [['init', '--store', store], ['import', csv, '--store', store]]) {
    const result = await casctl(args);
    if (result.code !== 0) throw new Error(`${args[0]} failed: ${result.stderr}`);
  }
  return store;
}
