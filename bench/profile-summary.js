// Summarises a V8 CPU profile (from BENCH_CPU_PROF=1, or `node --cpu-prof bin/casctl.js ...`):
// where the time went, by module and by function, self and inclusive.
//
//   node bench/profile-summary.js <file.cpuprofile> [rows=25]
//
// Time spent inside better-sqlite3's native code (SQLite itself) shows as the JS function that
// called it: `run`, `get`, `all`, `iterate`, `next`, `exec` of better-sqlite3 (module "better-sqlite3").
import { readFileSync } from 'node:fs';

const [path, rowsText = '25'] = process.argv.slice(2);
if (!path) throw new Error('usage: profile-summary.js <file.cpuprofile> [rows]');
const limit = Number(rowsText);
const profile = JSON.parse(readFileSync(path, 'utf8'));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function moduleOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  const own = /\/(dist|bench|bin)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}
function keyOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  const where = url ? `${moduleOf(url, name)}:${lineNumber + 1}` : '';
  return where ? `${name}  ${where}` : name;
}

const self = new Map();
const inclusive = new Map();
const modules = new Map();
let total = 0;
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
for (let i = 0; i < profile.samples.length; i++) {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  total += ms;
  const leaf = byId.get(profile.samples[i]);
  add(self, keyOf(leaf), ms);
  add(modules, moduleOf(leaf.callFrame.url, leaf.callFrame.functionName), ms);
  const seen = new Set();
  for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
    const key = keyOf(byId.get(id));
    if (!seen.has(key)) {
      seen.add(key);
      add(inclusive, key, ms);
    }
  }
}

const show = (title, map) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    process.stdout.write(`${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
process.stdout.write(`${path}: ${(total / 1000).toFixed(2)} s sampled\n`);
show('self time by module', modules);
show('self time by function', self);
show('inclusive time by function', inclusive);
