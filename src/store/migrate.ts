import type { Migration } from './migrations/index.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { SqlExecutor } from './sql-executor.js';

/** Key for PostgreSQL advisory locks taken by the migration runner (the second key is the schema's hash). */
const MIGRATION_LOCK_CLASS = 0x5ef1;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  applied_at  BIGINT NOT NULL
)`;

/**
 * Serialises migrators on PostgreSQL: two processes starting at once both see a migration as pending, but
 * only the first to get this transaction-scoped lock applies it; the second re-checks under the lock and
 * skips it. Keyed per schema so that test schemas migrate independently. SQLite needs nothing: `BEGIN
 * IMMEDIATE` already admits one writer at a time, across processes too.
 */
async function lock(tx: SqlExecutor): Promise<void> {
  await tx.dialect.serialise(tx, MIGRATION_LOCK_CLASS);
}

/** Throws when ids repeat or a migration lacks SQL for a dialect: a programming error worth failing fast. */
function checkList(list: readonly Migration[]): Migration[] {
  const sorted = [...list].sort((a, b) => a.id - b.id);
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i]!;
    if (!Number.isInteger(m.id) || m.id <= 0) throw new Error(`migration "${m.name}" has an invalid id ${m.id}`);
    if (i > 0 && sorted[i - 1]!.id === m.id) throw new Error(`two migrations share id ${m.id}`);
    if (!m.sqlite.trim() || !m.postgres.trim()) throw new Error(`migration ${m.id} lacks SQL for a dialect`);
  }
  return sorted;
}

/**
 * Applies pending migrations in id order, each in its own transaction together with its row in
 * `schema_migrations`, so a failure leaves the schema at the last complete migration. Safe to run from
 * several processes at once. Returns the ids it applied (empty when up to date).
 */
export async function migrate(
  sql: SqlExecutor,
  list: readonly Migration[] = allMigrations,
  now: () => number = Date.now,
): Promise<number[]> {
  const sorted = checkList(list);
  await sql.transaction(async (tx) => {
    await lock(tx);
    await tx.script(CREATE_TABLE);
  });
  const applied: number[] = [];
  for (const migration of sorted) {
    await sql.transaction(async (tx) => {
      await lock(tx);
      const done = await tx.query('SELECT id FROM schema_migrations WHERE id = $1', [migration.id]);
      if (done.length > 0) return;
      await tx.script(migration[tx.dialect.name]);
      await tx.execute('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        migration.id,
        migration.name,
        now(),
      ]);
      applied.push(migration.id);
    });
  }
  return applied;
}

/** Ids of the migrations recorded as applied, ascending (empty before the first `migrate`). */
export async function appliedMigrations(sql: SqlExecutor): Promise<number[]> {
  if (!(await sql.dialect.tableExists(sql, 'schema_migrations'))) return [];
  const rows = await sql.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
  return rows.map((r) => Number(r.id));
}

/** Migrations of `list` not yet recorded as applied, in id order (what {@link migrate} would apply). */
export async function pendingMigrations(sql: SqlExecutor, list: readonly Migration[] = allMigrations): Promise<Migration[]> {
  const applied = new Set(await appliedMigrations(sql));
  return checkList(list).filter((m) => !applied.has(m.id));
}
