import { resolve } from 'node:path';

/** `sqlite:/var/lib/casctl/directory.db`, `sqlite:directory.db`, `sqlite:///abs.db` or a plain path, made absolute against `cwd`. */
export function sqlitePath(url: string, cwd: string): string {
  if (!/^sqlite:/i.test(url)) return resolve(cwd, url);
  const rest = url.slice('sqlite:'.length);
  return resolve(cwd, rest.startsWith('//') ? rest.slice(2) : rest);
}
