#!/usr/bin/env node
// `casctl --version` alone needs nothing but the manifest (scripts and package managers ask it
// often), so it does not load the program; anything else, Exchange spellings included, goes there.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  await import('../dist/cli/main.js');
}
