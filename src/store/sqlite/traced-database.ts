import type Database from 'better-sqlite3';
import { sqlLine, type Trace } from '../../core/trace.js';

type Db = Database.Database;
type Method = (...args: unknown[]) => unknown;

/** The statement methods that execute: each shows the statement once more. */
const EXECUTES: ReadonlySet<PropertyKey> = new Set(['run', 'get', 'all', 'iterate']);

/**
 * The connection with every statement it executes shown, as written: better-sqlite3's own
 * `verbose` hook shows them with their bound values expanded, which may be a secret. Used only
 * with --verbose; without it the connection is the plain one, with nothing in between.
 */
export function tracedDatabase(db: Db, trace: Trace): Db {
  const show = (sql: string): void => trace('sql', sqlLine(sql));
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'prepare') return (sql: string) => tracedStatement(target.prepare(sql), show);
      if (key === 'exec') {
        return (sql: string) => {
          show(sql);
          target.exec(sql);
          return receiver as Db;
        };
      }
      if (key === 'pragma') {
        return (source: string, options?: Database.PragmaOptions) => {
          show(`PRAGMA ${source}`);
          return target.pragma(source, options);
        };
      }
      // Called on the proxy, better-sqlite3's own methods reach the connection through it.
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

function tracedStatement<S extends Database.Statement<unknown[], unknown>>(statement: S, show: (sql: string) => void): S {
  const traced: S = new Proxy(statement, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as Method;
      if (EXECUTES.has(key)) {
        return (...args: unknown[]) => {
          show(target.source);
          return method.apply(target, args);
        };
      }
      // pluck(), raw(), bind() ... return the statement: the traced one, so that its run is seen.
      return (...args: unknown[]) => {
        const result = method.apply(target, args);
        return result === target ? traced : result;
      };
    },
  });
  return traced;
}
