import { fileURLToPath } from 'node:url';

/**
 * A file of casctl's package, in a clone or installed: `packageFile('fixtures/sample-directory.csv')`.
 * Found from this module's URL, which is two levels below the package root both as source
 * (src/core/package-root.ts) and built: bundling moves this code into whichever output file uses
 * it, and scripts/build.js puts every one of them two levels down (dist/cli/main.js,
 * dist/chunks/*.js, dist/input/hash-worker.js) and fails if it did not.
 */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(`../../${path}`, import.meta.url));
}
