/**
 * @module
 * `segflow serve [--port N] [--host H] [--db FILE | --database-url URL [--role all|engine|api]]`: starts the HTTP
 * service; run it any number of times on one PostgreSQL and the processes share the engine work (docs/scaling.md). Prints the
 * URL it listens on and where the data lives (stdout, one line each: scripts and tests read
 * `segflow listening on <url>`), and on the first start the generated keys, once, in a box. Logs go to stderr as
 * JSON. Invalid configuration: a clear message and exit code 2. SIGTERM / SIGINT stop it gracefully.
 */
import type { Command } from 'commander';
import { closeOnSignals, createLogger, keysBanner, loadConfig, startApp } from '../../app/index.js';

interface ServeFlags {
  port?: string;
  host?: string;
  db?: string;
  databaseUrl?: string;
  logLevel?: string;
  role?: string;
}

/** Adds `segflow serve` to the program. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the segflow HTTP service (ingestion /v1/*, admin API /api/*)')
    .option('--port <n>', 'port to listen on; 0 picks a free one (env SEGFLOW_PORT, default 8080)')
    .option('--host <address>', 'interface to bind (env SEGFLOW_HOST, default 127.0.0.1; 0.0.0.0 for every interface, e.g. in a container)')
    .option('--db <file>', 'SQLite database file (env SEGFLOW_DB, default ./data/segflow.db)')
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env SEGFLOW_DATABASE_URL)')
    .option('--role <role>', 'with --database-url: all (default), engine or api (no engine work) (env SEGFLOW_ROLE)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env SEGFLOW_LOG_LEVEL)')
    .action(async (flags: ServeFlags) => {
      const loaded = loadConfig(flags);
      if (!loaded.ok) {
        process.stderr.write(`segflow serve: invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
        process.exitCode = 2;
        return;
      }
      const { config } = loaded;
      const logger = createLogger({ level: config.logLevel });
      const app = await startApp(config, { logger });
      closeOnSignals(app, logger);
      const where = config.storage.kind === 'sqlite' ? `SQLite ${config.storage.file}` : 'PostgreSQL (SEGFLOW_DATABASE_URL)';
      const out: string[] = [`segflow listening on ${app.url}`, `data: ${where}`, `web app: ${app.url}/ (sign in with the admin key)`, `API docs: ${app.url}/api/docs`];
      if (app.newKeys.writeKey || app.newKeys.adminKey) out.push('', keysBanner(app.newKeys));
      process.stdout.write(`${out.join('\n')}\n`);
      logger.info({ port: app.port, host: config.host, storage: config.storage.kind }, 'segflow started');
    });
}
