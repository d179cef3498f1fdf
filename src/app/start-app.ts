import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { buildServer, SessionService, type Services } from '../api/index.js';
import { systemClock, type Clock } from '../core/index.js';
import { startDestinations, type RunningDestinations } from '../destinations/index.js';
import { Engine, EngineSegmentService } from '../engine/index.js';
import { ExperimentWorker, SqlExperimentService } from '../experiments/index.js';
import { applyEspEnvSettings, IngestService, KeyAuthenticator, type IngestOptions } from '../ingest/index.js';
import { SqlChangeLog } from '../membership/index.js';
import { LiveScorer, ProfileScoreRepoSql, ScoreService, ScoreWriter } from '../predict/index.js';
import { registerEngineMetrics, registerSystemGauges, startMonitor, type Monitor } from '../monitor/index.js';
import { openPostgresStore, openSqliteStore, type Store } from '../store/index.js';
import { startWorkflows, type RunningWorkflows } from '../workflows/index.js';
import { bootstrapKeys, type NewKeys } from './bootstrap-keys.js';
import type { AppConfig, StorageConfig } from './config.js';
import { storeEspPort } from './esp-port.js';
import { createLogger } from './logger.js';
import { storeProfileQueries } from './profile-queries.js';
import { SessionRepoSql } from './session-repo-sql.js';

/** Test and embedding hooks for {@link startApp}; production passes none. */
export interface StartOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly ingest?: IngestOptions;
  /** Listen on the configured port (default true); false builds everything but only `inject` works. */
  readonly listen?: boolean;
  /** An already opened store to use instead of `config.storage` (tests); the caller closes it. */
  readonly store?: Store;
}

/** A running segflow: the server, its services, the keys created on this start, and how to stop it. */
export interface RunningApp {
  readonly server: FastifyInstance;
  readonly services: Services;
  /** The store the services run on (tests and tools inspect it; the API itself never sees it). */
  readonly store: Store;
  /** `http://host:port` as bound (the real port when the config asked for 0). */
  readonly url: string;
  readonly port: number;
  /** Keys generated on this start (first start only); print them once. */
  readonly newKeys: NewKeys;
  /**
   * Graceful stop: readiness turns 503, the server stops accepting connections and waits for in-flight
   * requests, the write queue drains, the store closes. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Opens the configured store: the only place in segflow that names a concrete adapter. Pending migrations are
 * applied unless `migrate: false` (for tools that only inspect the schema).
 */
export async function openStore(storage: StorageConfig, options: { readonly migrate?: boolean } = {}): Promise<Store> {
  switch (storage.kind) {
    case 'sqlite':
      return openSqliteStore({ file: storage.file, ...options });
    case 'postgres':
      return openPostgresStore({ url: storage.url, ...options });
  }
}

/** Wires configuration → store → services → HTTP server, and starts listening. */
export async function startApp(config: AppConfig, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore(config.storage));
  const closeStore = (): Promise<void> => (options.store ? Promise.resolve() : store.close());
  let shuttingDown = false;
  let server: FastifyInstance | undefined;
  let engine: Engine | undefined;
  let destinations: RunningDestinations | undefined;
  let liveScorer: LiveScorer | undefined;
  let experimentWorker: ExperimentWorker | undefined;
  let workflows: RunningWorkflows | undefined;
  let monitor: Monitor | undefined;
  try {
    const newKeys = await bootstrapKeys(store, { writeKey: config.writeKey, adminKey: config.adminKey }, clock.now());
    const esp = await applyEspEnvSettings(store, config.env ?? {}, clock.now());
    if (esp.invalid.length > 0) {
      throw new Error(`invalid ESP webhook settings in the environment: ${esp.invalid.join(', ')} (see docs/esp-webhooks.md)`);
    }
    const ingest = new IngestService(store, { clock, ...options.ingest });
    const changes = new SqlChangeLog(store.sql);
    const metrics = new Registry();
    // The engine's own metrics: fed by the engine as it commits, read from its memory at scrape time.
    const observer = registerEngineMetrics(metrics, () => engine?.stats(), () => clock.now());
    engine = new Engine({ store, clock, changeLog: changes, observer, onRoleChange: (role) => logger.info({ role }, `engine ${role}`) });
    await engine.start();
    const running = engine;
    ingest.onCommitted(() => running.wake());
    const segments = new EngineSegmentService(store, engine, changes);
    const profiles = storeProfileQueries(store);
    const scoreWriter = new ScoreWriter(store, clock);
    scoreWriter.onCommitted(() => running.wake());
    const scores = new ScoreService(
      scoreWriter,
      new ProfileScoreRepoSql(store.sql),
      (workspaceId, ref) => profiles.resolve(workspaceId, ref),
      clock,
    );
    // Scores follow events (a consumer of the log by its own cursor) and time (a daily full pass).
    liveScorer = new LiveScorer({
      store,
      clock,
      writer: scoreWriter,
      isActive: () => running.role === 'active',
      onError: (error) => logger.error({ err: error }, 'live scoring failed'),
    });
    await liveScorer.start();
    const scorer = liveScorer;
    ingest.onCommitted(() => scorer.wake());
    destinations = await startDestinations({
      env: config.env ?? {},
      store,
      changeLog: changes,
      segments,
      clock,
      metrics,
      log: ({ level, msg, ...fields }) => logger[level](fields, msg),
    });
    experimentWorker = new ExperimentWorker({
      store,
      changeLog: changes,
      segments,
      clock,
      onError: (err) => logger.error({ err }, 'experiment worker: tick failed, retrying at the next poll'),
    });
    experimentWorker.start();
    const experimentsWorker = experimentWorker;
    ingest.onCommitted(() => experimentsWorker.wake());
    const outboundForWorkflows = destinations;
    workflows = await startWorkflows({
      store,
      changeLog: changes,
      clock,
      segments,
      destinationNames: async (ws) => new Set((await outboundForWorkflows.service.list(ws)).map((d) => d.name)),
      webhookByName: (ws, name) => outboundForWorkflows.webhookByName(ws, name),
      identify: async (ws, message) => {
        const result = await ingest.ingest(ws, [message], { receivedAt: clock.now(), source: 'workflow' });
        const r = result.results[0];
        return r && r.outcome !== 'rejected' ? { ok: true } : { ok: false, retryable: false, error: JSON.stringify(r) };
      },
      log: (level, msg, fields) => logger[level](fields ?? {}, msg),
    });
    const journeys = workflows;
    ingest.onCommitted(() => journeys.wake());
    monitor = startMonitor({
      sql: store.sql,
      events: store.events,
      changes,
      onError: (what, err) => logger.error({ err }, `${what} failed; retrying at the next change`),
    });
    registerSystemGauges(metrics, { sql: store.sql, clock });
    const readModels = monitor;
    ingest.onCommitted(() => readModels.eventsCommitted());
    const keys = new KeyAuthenticator(store.workspaces, clock);
    const services: Services = {
      ingest,
      ping: () => store.ping(),
      profiles,
      esp: storeEspPort({ store, ingest, clock }),
      segments,
      changes,
      destinations: destinations.service,
      scores,
      experiments: new SqlExperimentService(store, segments, clock),
      workflows: workflows.service,
      keys,
      sessions: new SessionService(new SessionRepoSql(store.sql), keys, clock),
      monitor,
      clock,
      logger,
      metrics,
      isShuttingDown: () => shuttingDown,
    };
    server = await buildServer(services);
    let port = config.port;
    let url = `http://${config.host}:${port}`;
    if (options.listen !== false) {
      await server.listen({ port: config.port, host: config.host });
      const address = server.server.address();
      if (address !== null && typeof address === 'object') port = address.port;
      const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    }
    let closing: Promise<void> | undefined;
    const http = server;
    const outbound = destinations;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        shuttingDown = true;
        try {
          await http.close();
          await ingest.drain();
          await journeys.stop();
          await outbound.stop();
          await scorer.stop();
          await experimentsWorker.stop();
          await readModels.stop();
          await running.stop();
        } finally {
          await closeStore();
        }
        logger.info('segflow stopped');
      })());
    return { server, services, store, url, port, newKeys, close };
  } catch (error) {
    await server?.close().catch(() => {});
    await workflows?.stop().catch(() => {});
    await destinations?.stop().catch(() => {});
    await liveScorer?.stop().catch(() => {});
    await experimentWorker?.stop().catch(() => {});
    await monitor?.stop().catch(() => {});
    await engine?.stop().catch(() => {});
    await store.close();
    throw error;
  }
}

/**
 * Stops the app gracefully on SIGTERM and SIGINT (a second signal exits at once). Returns a function that
 * removes the handlers.
 */
export function closeOnSignals(app: RunningApp, logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and writes');
    app.close().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
