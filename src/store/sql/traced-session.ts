import { sqlLine, type Trace } from '../../core/trace.js';
import type { SqlRow, SqlSession, SqlValue } from './client.js';

/**
 * The session with each statement shown before it is sent, without its bound values (--verbose).
 * The drivers wrap a session only when tracing, so a plain run pays nothing for it.
 */
export function tracedSession<S extends SqlSession>(session: S, trace: Trace): S {
  const show = (sql: string): void => trace('sql', sqlLine(sql));
  return {
    ...session,
    query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
      show(sql);
      return session.query<R>(sql, params);
    },
    execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
      show(sql);
      return session.execute(sql, params);
    },
    insertId(sql: string, params?: readonly SqlValue[]): Promise<number> {
      show(sql);
      return session.insertId(sql, params);
    },
  };
}
