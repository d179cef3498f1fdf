/**
 * @module
 * `segflow migrate [--status] [--db FILE | --database-url URL] [--json]`: applies the database migrations that are
 * pending (the server also does this when it starts), or with `--status` only lists applied and pending ones.
 * Safe to run from several processes at once. Exit codes: 0 done (or, with --status, up to date), 1 migrations
 * pending (with --status) or failed, 2 configuration error.
 */
import type { Command } from 'commander';
import { loadConfig, openStore } from '../../app/index.js';
import { appliedMigrations, migrate, migrations, pendingMigrations } from '../../store/index.js';

interface MigrateFlags {
  status?: boolean;
  db?: string;
  databaseUrl?: string;
  json?: boolean;
}

/** Adds `segflow migrate` to the program. */
export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (or list them with --status)')
    .option('--status', 'only list applied and pending migrations; exit 1 when some are pending')
    .option('--db <file>', 'SQLite database file (env SEGFLOW_DB, default ./data/segflow.db)')
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env SEGFLOW_DATABASE_URL)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: MigrateFlags) => {
      const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl });
      if (!loaded.ok) {
        process.stderr.write(`segflow migrate: invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
        process.exitCode = 2;
        return;
      }
      const store = await openStore(loaded.config.storage, { migrate: false });
      try {
        const appliedNow = flags.status ? [] : await migrate(store.sql);
        const applied = await appliedMigrations(store.sql);
        const pending = (await pendingMigrations(store.sql)).map((m) => m.id);
        const nameOf = new Map(migrations.map((m) => [m.id, m.name]));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ dialect: store.dialect, applied, appliedNow, pending })}\n`);
        } else {
          const line = (id: number, mark: string): string => `  ${mark} ${String(id).padStart(4, '0')} ${nameOf.get(id) ?? '(unknown to this version)'}`;
          const out = [`${store.dialect}: ${applied.length} applied, ${pending.length} pending`];
          for (const id of applied) out.push(line(id, appliedNow.includes(id) ? '+' : '✓'));
          for (const id of pending) out.push(line(id, '·'));
          if (!flags.status) out.push(appliedNow.length > 0 ? `Applied ${appliedNow.length} migration(s).` : 'Already up to date.');
          process.stdout.write(`${out.join('\n')}\n`);
        }
        process.exitCode = flags.status && pending.length > 0 ? 1 : 0;
      } finally {
        await store.close();
      }
    });
}
