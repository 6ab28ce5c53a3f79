// Preloaded into a casctl process (NODE_OPTIONS=--import) by test/helpers/loaded-modules.ts:
// writes to LOADED_MODULES_FILE every module the process loads. The ES modules as hook.mjs sees
// them loaded ("esm <url>"); at exit, the built-in modules ("builtin <name>") and the CommonJS
// ones ("cjs <path>", better-sqlite3 is required). JavaScript: it runs in the built casctl, without tsx.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';

const file = process.env.LOADED_MODULES_FILE;
writeFileSync(file, '');
register('./hook.mjs', import.meta.url, { data: { file } });
const { cache } = createRequire(import.meta.url);
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `builtin ${m.slice('NativeModule '.length)}`);
  appendFileSync(file, `${[...builtins, ...Object.keys(cache).map((path) => `cjs ${path}`)].join('\n')}\n`);
});
