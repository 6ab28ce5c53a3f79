#!/usr/bin/env node
// `npm run build` (after `tsc --noEmit`, the type check): bundles src/ into dist/ with esbuild, so
// that a start reads a few files instead of the hundred-odd modules tsc emitted. bin/casctl.js
// imports dist/cli/main.js: commander and the program in one file, nothing else. Every command is
// an entry of its own in dist/lazy/, imported when it runs, and so is every store driver; what they
// share is split into chunks under dist/chunks/. dist/input/hash-worker.js is the password-hashing
// worker, a bundle of its own (a worker thread loads its modules afresh anyway).
//
// Packages stay in node_modules (better-sqlite3's addon must, the others load when used), but for
// commander, which every start needs: bundled, it is one file fewer to resolve and is not
// translated from CommonJS at each start. Its require() calls go through the banner's.
//
// Every output file sits two levels below the package root (src/core/package-root.ts relies on
// it to find fixtures/, package.json and the worker from whichever chunk its code lands in); the
// build checks that it does.
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = 'dist';

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outbase: 'src',
  outdir: OUT,
  entryNames: '[dir]/[name]',
  sourcemap: true,
  packages: 'external',
  // Bundled CommonJS (commander) requires Node's built-in modules; ESM has no require of its own.
  banner: { js: "import { createRequire as __casctlRequire } from 'node:module'; const require = __casctlRequire(import.meta.url);" },
  plugins: [bundleCommander()],
  metafile: true,
  logLevel: 'warning',
};

/**
 * `packages: 'external'` but for commander (its CommonJS entry: its ESM one only wraps that).
 * commander requires node:child_process at load, for subcommands that are executables of their
 * own, which casctl has none of; loading it (with node:net and node:dgram) would be a good part of
 * `casctl --version`. commander gets it on first use instead.
 */
function bundleCommander() {
  const entry = createRequire(import.meta.url).resolve('commander');
  return {
    name: 'bundle-commander',
    setup(build) {
      build.onResolve({ filter: /^commander$/ }, () => ({ path: entry }));
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.startsWith(dirname(entry)) ? { path: 'child_process', namespace: 'on-first-use' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'on-first-use' }, (args) => ({
        loader: 'js',
        contents: `let loaded; module.exports = new Proxy({}, { get: (_, name) => (loaded ??= require('node:${args.path}'))[name] });`,
      }));
    },
  };
}

/**
 * The start is one file: main.ts and everything it imports statically, bundled without splitting,
 * each of its dynamic imports (the commands, what they load lazily) left as an import of a
 * lazily built entry in dist/lazy/. Split chunks there would cost a start dozens of files and
 * hundreds of import edges to resolve. Code both sides use is in both; only main.ts meets objects
 * of the other side's copy, and it knows casctl's errors by a brand, not by class (core/errors.ts).
 */
function lazyImports(entries) {
  return {
    name: 'lazy-imports',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const source = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        if (!existsSync(source)) return undefined;
        const name = relative(join(ROOT, 'src'), source).replace(/\.ts$/, '').split(sep).join('.');
        entries[name] = source;
        return { path: `../lazy/${name}.js`, external: true };
      });
    },
  };
}

rmSync(`${ROOT}/${OUT}`, { recursive: true, force: true });
const lazy = {};
const start = await build({ ...common, entryPoints: ['src/cli/main.ts'], plugins: [...common.plugins, lazyImports(lazy)] });
const results = [
  start,
  ...(await Promise.all([
    build({ ...common, entryPoints: lazy, entryNames: 'lazy/[name]', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
    build({ ...common, entryPoints: ['src/input/hash-worker.ts'] }),
  ])),
];

const misplaced = results
  .flatMap((result) => Object.keys(result.metafile.outputs))
  .filter((file) => file.endsWith('.js') && relative(ROOT, `${ROOT}/${file}`).split(sep).length !== 3);
if (misplaced.length > 0) {
  console.error(`build: every output file must be two levels below the package root (dist/<dir>/<file>.js), not ${misplaced.join(', ')}`);
  process.exit(1);
}
