import { DEFAULT_CONNECTION_LIMITS, type ServerConnectionLimits } from '../api/index.js';
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
  /** Limits that keep slow or numerous connections from tying the server up (default {@link connectionDefaults}; docs/security.md). */
  readonly connections?: ConnectionLimits;
  /**
   * Bearer token Prometheus presents on `/metrics` (`SEGFLOW_METRICS_TOKEN`); without it `/metrics` answers
   * only an admin key or web session of the default workspace.
   */
  readonly metricsToken?: string;
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

/** Connection and request limits of the HTTP server (the API's own type). */
export type ConnectionLimits = ServerConnectionLimits;

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

/** Defaults: port 8080, loopback only, SQLite at `./data/segflow.db`. */
export const configDefaults = { port: 8080, host: '127.0.0.1', db: './data/segflow.db', logLevel: 'info' } as const;

/**
 * Default connection limits. 30 s for a whole request is far more than a 1 MiB body needs on any real link
 * (Node's own default, 300 s, and Fastify's, none, let 200 trickling clients hold sockets for five minutes);
 * 10 s for headers; 5 s keep-alive (Node's default); 1,000 connections, under the usual 1,024 descriptors.
 */
export const connectionDefaults: ConnectionLimits = DEFAULT_CONNECTION_LIMITS;

const LIMIT_ENV: ReadonlyArray<readonly [keyof ConnectionLimits, string, number]> = [
  ['requestTimeoutMs', 'SEGFLOW_REQUEST_TIMEOUT_MS', 100],
  ['headersTimeoutMs', 'SEGFLOW_HEADERS_TIMEOUT_MS', 100],
  ['keepAliveTimeoutMs', 'SEGFLOW_KEEP_ALIVE_TIMEOUT_MS', 100],
  ['maxConnections', 'SEGFLOW_MAX_CONNECTIONS', 1],
];

const ROLES = ['all', 'engine', 'api'] as const;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Merges flags > environment (`SEGFLOW_PORT`, `SEGFLOW_HOST`, `SEGFLOW_DB`, `SEGFLOW_DATABASE_URL`,
 * `SEGFLOW_WRITE_KEY`, `SEGFLOW_ADMIN_KEY`, `SEGFLOW_LOG_LEVEL`, `SEGFLOW_ROLE`) > {@link configDefaults}, and checks the result.
 *
 * The host defaults to `127.0.0.1`: a first `segflow serve` on a laptop or a server is reachable only from the
 * machine itself. A container or a service meant for other machines says so with `--host 0.0.0.0` (or
 * `SEGFLOW_HOST`). Connection limits come from `SEGFLOW_REQUEST_TIMEOUT_MS`, `SEGFLOW_HEADERS_TIMEOUT_MS`,
 * `SEGFLOW_KEEP_ALIVE_TIMEOUT_MS`, `SEGFLOW_MAX_CONNECTIONS` (defaults {@link connectionDefaults}); the
 * headers timeout may not exceed the request timeout.
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
  const connections: Record<keyof ConnectionLimits, number> = { ...connectionDefaults };
  for (const [field, name, min] of LIMIT_ENV) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min) errors.push(`${name} must be an integer of at least ${min}, got "${raw}"`);
    else connections[field] = value;
  }
  if (connections.headersTimeoutMs > connections.requestTimeoutMs) {
    errors.push('SEGFLOW_HEADERS_TIMEOUT_MS must not exceed SEGFLOW_REQUEST_TIMEOUT_MS');
  }
  const metricsToken = env.SEGFLOW_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) errors.push('SEGFLOW_METRICS_TOKEN must be at least 16 characters');

  const rawRole = flags.role ?? env.SEGFLOW_ROLE ?? undefined;
  const role = rawRole === undefined ? undefined : ROLES.find((r) => r === rawRole);
  if (rawRole !== undefined && role === undefined) errors.push(`role must be one of ${ROLES.join(', ')}, got "${rawRole}"`);
  if (role !== undefined && storage?.kind === 'sqlite') errors.push('--role needs --database-url: several processes share only a PostgreSQL database');

  if (errors.length > 0 || storage === undefined) return { ok: false, errors };
  const segflowEnv = Object.freeze(Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('SEGFLOW_'))));
  return {
    ok: true,
    config: {
      port,
      host,
      storage,
      logLevel,
      connections,
      env: segflowEnv,
      ...(role ? { role } : {}),
      ...(writeKey ? { writeKey } : {}),
      ...(adminKey ? { adminKey } : {}),
      ...(metricsToken ? { metricsToken } : {}),
    },
  };
}
