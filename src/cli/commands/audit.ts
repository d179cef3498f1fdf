/**
 * @module
 * `segflow audit verify [--db FILE | --database-url URL] [--json]`: recomputes the audit log's hash chain from
 * the database and names the first row that was edited, removed or inserted behind the application's back.
 * Prints the number of rows and the last hash — keep that hash somewhere else (a ticket, a log shipper) to
 * also catch a rewrite of the whole tail. Exit codes: 0 intact, 1 broken, 2 configuration error.
 * `segflow audit list` prints the workspace's rows over the admin API.
 */
import type { Command } from 'commander';
import { loadConfig, openStore } from '../../app/index.js';
import { AuditLogSql } from '../../monitor/index.js';
import { addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';

/** Registers `segflow audit …`. */
export function register(program: Command): void {
  const audit = program.command('audit').description('the audit log of administrative changes: verify the chain, list rows');
  audit
    .command('verify')
    .description('recompute the hash chain from the database; exit 1 if any row was tampered with')
    .option('--db <file>', 'SQLite database file (env SEGFLOW_DB, default ./data/segflow.db)')
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env SEGFLOW_DATABASE_URL)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { db?: string; databaseUrl?: string; json?: boolean }) => {
      const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl });
      if (!loaded.ok) {
        process.stderr.write(`segflow audit verify: invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
        process.exitCode = 2;
        return;
      }
      const store = await openStore(loaded.config.storage, { migrate: false });
      try {
        const result = await new AuditLogSql(store.sql).verify();
        if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else if (result.ok) process.stdout.write(`audit log intact: ${result.checked} rows, last hash ${result.lastHash}\n`);
        else process.stdout.write(`audit log BROKEN at row ${result.broken!.seq}: ${result.broken!.reason} (rows intact before it: ${result.checked})\n`);
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        await store.close();
      }
    });
  addAdminOptions(
    audit
      .command('list')
      .description("the workspace's audit rows, oldest first")
      .option('--after <seq>', 'rows after this seq')
      .option('--route <prefix>', 'only routes starting with this, e.g. /api/segments')
      .option('--limit <n>', 'at most this many rows', '100'),
  ).action(async (o: { url?: string; key?: string; json?: boolean; after?: string; route?: string; limit: string }) => {
    const qs = new URLSearchParams({ limit: o.limit, ...(o.after ? { after: o.after } : {}), ...(o.route ? { route: o.route } : {}) });
    const res = await clientFromOptions(o).request<{ entries: { seq: number; at: string; actor: string; method: string; route: string; status: number; params: Record<string, string> }[] }>(
      'GET',
      `/api/audit?${qs.toString()}`,
    );
    if (!res.ok) {
      process.stderr.write(`segflow audit list: ${describeProblem(res.problem)}\n`);
      process.exitCode = 1;
      return;
    }
    if (o.json) process.stdout.write(`${JSON.stringify(res.value, null, 2)}\n`);
    else for (const e of res.value.entries) process.stdout.write(`${e.seq}  ${e.at}  ${e.actor}  ${e.method} ${e.route} ${JSON.stringify(e.params)} → ${e.status}\n`);
  });
}
