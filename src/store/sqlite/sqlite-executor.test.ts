import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../sql-executor.js';
import { SqliteExecutor } from './sqlite-executor.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SqliteExecutor', () => {
  let executor: SqliteExecutor;
  afterEach(async () => {
    await executor.close();
  });

  async function open(): Promise<SqliteExecutor> {
    executor = new SqliteExecutor(new Database(':memory:'));
    await executor.script('CREATE TABLE t (id INTEGER PRIMARY KEY, v ANY); CREATE TABLE u (x TEXT);');
    return executor;
  }

  it('binds $N placeholders, booleans as 1/0 and undefined as null', async () => {
    const sql = await open();
    await sql.execute('INSERT INTO t (id, v) VALUES ($1, $2), ($3, $4), ($5, $6)', [1, true, 2, false, 3, undefined]);
    expect(await sql.query('SELECT id, v FROM t WHERE id >= $1 ORDER BY id', [1])).toEqual([
      { id: 1, v: 1 },
      { id: 2, v: 0 },
      { id: 3, v: null },
    ]);
  });

  it('reports how many rows a statement changed', async () => {
    const sql = await open();
    await sql.execute("INSERT INTO u (x) VALUES ('a'), ('b'), ('c')");
    expect(await sql.execute("UPDATE u SET x = 'z' WHERE x <> $1", ['a'])).toBe(2);
  });

  it('keeps a statement issued outside a running transaction out of it', async () => {
    const sql = await open();
    const inside = deferred();
    const release = deferred();
    const tx = sql.transaction(async (t) => {
      await t.execute("INSERT INTO u (x) VALUES ('inside')");
      inside.resolve();
      await release.promise;
      throw new Error('roll back');
    });
    await inside.promise;
    // Not awaited yet: it must queue behind the transaction rather than join it.
    const outside = sql.execute("INSERT INTO u (x) VALUES ('outside')");
    release.resolve();
    await expect(tx).rejects.toThrow('roll back');
    await outside;
    expect(await sql.query('SELECT x FROM u')).toEqual([{ x: 'outside' }]);
  });

  it('refuses to use a transaction’s executor after the transaction ended', async () => {
    const sql = await open();
    let leaked: SqlExecutor | undefined;
    await sql.transaction(async (t) => {
      leaked = t;
    });
    await expect(leaked!.execute("INSERT INTO u (x) VALUES ('late')")).rejects.toThrow(/already committed/);
    expect(await sql.query('SELECT x FROM u')).toEqual([]);
  });

  it('closes only after the running transaction has finished, and refuses work afterwards', async () => {
    const sql = await open();
    const release = deferred();
    const tx = sql.transaction(async (t) => {
      await release.promise;
      await t.execute("INSERT INTO u (x) VALUES ('committed')");
      return (await t.query<{ n: number }>('SELECT COUNT(*) AS n FROM u'))[0]?.n;
    });
    const closing = sql.close();
    release.resolve();
    expect(await tx).toBe(1);
    await closing;
    await expect(sql.query('SELECT 1')).rejects.toThrow(/closed/);
  });

  it('holds transactions and writes off the write connection until an exclusive section settles', async () => {
    const sql = await open();
    const release = deferred();
    const order: string[] = [];
    const section = sql.exclusive(async () => {
      order.push('section started');
      await release.promise;
      order.push('section done');
    });
    const tx = sql.transaction(async (t) => {
      order.push('transaction');
      await t.execute("INSERT INTO u (x) VALUES ('tx')");
    });
    const write = sql.execute("INSERT INTO u (x) VALUES ('write')").then(() => order.push('write'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['section started']);
    release.resolve();
    await Promise.all([section, tx, write]);
    expect(order).toEqual(['section started', 'section done', 'transaction', 'write']);
  });

  it('refuses an exclusive section inside one of its own transactions, which could never get the lock', async () => {
    const sql = await open();
    await expect(sql.transaction(() => sql.exclusive(async () => 1))).rejects.toThrow(/inside a transaction/);
    expect(await sql.exclusive(async () => 2)).toBe(2);
  });
});
