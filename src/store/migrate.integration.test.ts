import { expect, it } from 'vitest';
import { appliedMigrations, migrate, pendingMigrations } from './migrate.js';
import type { Migration } from './migrations/index.js';
import { migrations } from './migrations/index.js';
import { describeEachStore } from './testing/index.js';

function table(id: number, name: string): Migration {
  return {
    id,
    name,
    sqlite: `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, label TEXT NOT NULL);`,
    postgres: `CREATE TABLE ${name} (id integer PRIMARY KEY, label text NOT NULL);`,
  };
}

describeEachStore('migrate', (getStore) => {
  it('has applied every registered migration when the store opens', async () => {
    expect(await appliedMigrations(getStore().sql)).toEqual(migrations.map((m) => m.id).sort((a, b) => a - b));
  });

  it('applies only pending migrations, in id order, and nothing on a second run', async () => {
    const { sql } = getStore();
    const extra = [table(9002, 'extra_two'), table(9001, 'extra_one')];
    expect((await pendingMigrations(sql, [...migrations, ...extra])).map((m) => m.id)).toEqual([9001, 9002]);
    expect(await migrate(sql, [...migrations, ...extra])).toEqual([9001, 9002]);
    expect(await pendingMigrations(sql, [...migrations, ...extra])).toEqual([]);
    expect(await migrate(sql, [...migrations, ...extra])).toEqual([]);
    await sql.execute("INSERT INTO extra_two (id, label) VALUES (1, 'ok')");
    expect((await appliedMigrations(sql)).slice(-2)).toEqual([9001, 9002]);
  });

  it('rolls back a failing migration entirely and keeps the ones before it', async () => {
    const { sql } = getStore();
    const broken: Migration = {
      id: 9011,
      name: 'broken',
      sqlite: 'CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);',
      postgres: 'CREATE TABLE half_done (id integer); INSERT INTO no_such_table VALUES (1);',
    };
    await expect(migrate(sql, [table(9010, 'before_broken'), broken])).rejects.toThrow(/no_such_table/);
    const applied = await appliedMigrations(sql);
    expect(applied).toContain(9010);
    expect(applied).not.toContain(9011);
    await expect(sql.query('SELECT * FROM half_done')).rejects.toThrow();
  });

  it('refuses a list with two migrations sharing an id', async () => {
    await expect(migrate(getStore().sql, [table(9020, 'a_one'), table(9020, 'a_two')])).rejects.toThrow(/share id 9020/);
  });
});
