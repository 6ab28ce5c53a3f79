// The module hooks of record.mjs: they run on a thread of their own, so each load is written at once.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, next) {
  appendFileSync(file, `esm ${url}\n`);
  return next(url, context);
}
