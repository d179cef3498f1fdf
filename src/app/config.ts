import { resolve } from 'node:path';

/** Where segflow keeps its data. */
export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** The service's configuration after flags, environment and defaults were merged and checked. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly storage: StorageConfig;
  /** Keys from `SEGFLOW_WRITE_KEY` / `SEGFLOW_ADMIN_KEY`; when set, the default workspace has exactly them. */
  readonly writeKey?: string;
  readonly adminKey?: string;
  readonly logLevel: string;
  /**
   * What this process does among several on one partitioned PostgreSQL (`--role`, `SEGFLOW_ROLE`): `all`
   * (default), `engine` (takes a share of the partitions; serves the API too) or `api` (API and ingestion, no
   * engine work). Only with `--database-url`.
   */
  readonly role?: 'all' | 'engine' | 'api';
  /**
   * Every `SEGFLOW_*` variable as read once by {@link loadConfig}: the settings of subsystems (ESP webhook
   * secrets, `SEGFLOW_DESTINATION_ALLOWLIST`, `SEGFLOW_SECRET_KEY`) come from here, so nothing below src/app
   * reads `process.env`. Absent (tests, embedding) means none is set.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Flags as the CLI parsed them (all optional: unset means "ask the environment, then the default"). */
export interface ConfigFlags {
  readonly port?: string | number;
  readonly host?: string;
  readonly db?: string;
  readonly databaseUrl?: string;
  readonly logLevel?: string;
  readonly role?: string;
}

/** The outcome of reading configuration: a config, or every problem found (the CLI prints them, exit 2). */
export type ConfigResult = { readonly ok: true; readonly config: AppConfig } | { readonly ok: false; readonly errors: readonly string[] };

/** Defaults: port 8080, all interfaces, SQLite at `./data/segflow.db`. */
export const configDefaults = { port: 8080, host: '0.0.0.0', db: './data/segflow.db', logLevel: 'info' } as const;

const ROLES = ['all', 'engine', 'api'] as const;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Merges flags > environment (`SEGFLOW_PORT`, `SEGFLOW_HOST`, `SEGFLOW_DB`, `SEGFLOW_DATABASE_URL`,
 * `SEGFLOW_WRITE_KEY`, `SEGFLOW_ADMIN_KEY`, `SEGFLOW_LOG_LEVEL`, `SEGFLOW_ROLE`) > {@link configDefaults}, and checks the result.
 *
 * The host defaults to `0.0.0.0` because that is what a container needs and what users of `docker run -p`
 * expect; ingestion and the admin API are both key-protected. Pass `--host 127.0.0.1` to stay local.
 * `--db` and `--database-url` exclude each other.
 */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const errors: string[] = [];
  const rawPort = flags.port ?? env.SEGFLOW_PORT ?? configDefaults.port;
  const port = typeof rawPort === 'number' ? rawPort : /^\d+$/.test(rawPort.trim()) ? Number(rawPort) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    errors.push(`port must be an integer from 0 to 65535 (0 picks a free port), got "${rawPort}"`);
  }
  const host = (flags.host ?? env.SEGFLOW_HOST ?? configDefaults.host).trim();
  if (host === '') errors.push('host must not be empty');

  const db = flags.db ?? undefined;
  const databaseUrl = flags.databaseUrl ?? env.SEGFLOW_DATABASE_URL ?? undefined;
  let storage: StorageConfig | undefined;
  if (db !== undefined && flags.databaseUrl !== undefined) {
    errors.push('pass either --db FILE or --database-url URL, not both');
  } else if (databaseUrl !== undefined && databaseUrl !== '' && db === undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) errors.push('database URL must start with postgres:// or postgresql://');
    else storage = { kind: 'postgres', url: databaseUrl };
  } else {
    const file = db ?? env.SEGFLOW_DB ?? configDefaults.db;
    if (file.trim() === '') errors.push('database file must not be empty');
    else storage = { kind: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
  }

  const writeKey = env.SEGFLOW_WRITE_KEY?.trim() || undefined;
  const adminKey = env.SEGFLOW_ADMIN_KEY?.trim() || undefined;
  for (const [name, value] of [['SEGFLOW_WRITE_KEY', writeKey], ['SEGFLOW_ADMIN_KEY', adminKey]] as const) {
    if (value !== undefined && value.length < 16) errors.push(`${name} must be at least 16 characters`);
  }
  if (writeKey !== undefined && writeKey === adminKey) errors.push('SEGFLOW_WRITE_KEY and SEGFLOW_ADMIN_KEY must differ');
  const logLevel = flags.logLevel ?? env.SEGFLOW_LOG_LEVEL ?? configDefaults.logLevel;
  if (!LEVELS.includes(logLevel)) errors.push(`log level must be one of ${LEVELS.join(', ')}`);

  const rawRole = flags.role ?? env.SEGFLOW_ROLE ?? undefined;
  const role = rawRole === undefined ? undefined : ROLES.find((r) => r === rawRole);
  if (rawRole !== undefined && role === undefined) errors.push(`role must be one of ${ROLES.join(', ')}, got "${rawRole}"`);
  if (role !== undefined && storage?.kind === 'sqlite') errors.push('--role needs --database-url: several processes share only a PostgreSQL database');

  if (errors.length > 0 || storage === undefined) return { ok: false, errors };
  const segflowEnv = Object.freeze(Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SEGFLOW_'))));
  return {
    ok: true,
    config: { port, host, storage, logLevel, env: segflowEnv, ...(role ? { role } : {}), ...(writeKey ? { writeKey } : {}), ...(adminKey ? { adminKey } : {}) },
  };
}
