// The bare clients the SQL references use (pg, mysql2), connected from one JSON argument
// {engine, host, port, user, database} and the password in CASCTL_SQL_PASSWORD, as casctl is.
// `q(n)` is the n-th placeholder of the engine, `query` runs a statement with bound values.
import mysql from 'mysql2/promise';
import pg from 'pg';

export async function connect(json) {
  const { engine, host, port, user, database } = JSON.parse(json);
  const password = process.env.CASCTL_SQL_PASSWORD;
  if (engine === 'postgres') {
    const client = new pg.Client({ host, port, user, database, password });
    await client.connect();
    return {
      engine,
      q: (n, cast = '') => `$${n}${cast}`,
      query: async (sql, values = []) => (await client.query(sql, values)).rows,
      end: () => client.end(),
    };
  }
  const client = await mysql.createConnection({ host, port, user, database, password, charset: 'utf8mb4' });
  return {
    engine,
    q: () => '?',
    query: async (sql, values = []) => {
      const [rows] = await client.query(sql, values);
      return Array.isArray(rows) ? rows : [];
    },
    end: () => client.end(),
  };
}
