import type { Clock, StoredEvent, TimerHandle } from '../../core/index.js';
import { ConsumerLoop, eventLogOf, inStore, LogConsumer, type Repos, type Store } from '../../store/index.js';
import { defaultFeatureEvents } from '../features/feature-set.js';
import { ProfileFeatures } from '../features/profile-features.js';
import { companionScores, featureSetMismatch, type TrainedModel } from '../model-spec.js';
import { ModelScorers } from '../model-scorers.js';
import { ModelRepoSql } from '../model-repo-sql.js';
import type { ScoreWrite } from '../scores/score-event.js';
import type { ScoreWriter } from '../scores/score-writer.js';
import { loadProfileFeatures } from '../training/load-profiles.js';

/** How the live scorer is built. */
export interface LiveScorerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly writer: ScoreWriter;
  /** Full rescoring of everyone, for the passage of time (default every 24 h; 0 disables). */
  readonly fullIntervalMs?: number;
  /** Log entries read per batch (default 500). */
  readonly batchSize?: number;
  /** Scores that moved by no more than this are not rewritten (default 0.001). */
  readonly minDelta?: number;
  readonly cursorName?: string;
  /** Profiles whose feature state stays in memory between events (default 100,000). */
  readonly cacheCapacity?: number;
  /**
   * How often to look for events appended by other processes (e.g. `segflow import`) and for model versions
   * trained since (e.g. by `segflow predict train`), which get a full pass at once (default 5 s; 0 disables).
   */
  readonly tailIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Whether this process should score now (default: always). The app passes "the engine holds its lease", so of
   * several processes on one database only the active one writes scores; a standby keeps its cursor and catches
   * up from it when it takes over.
   */
  readonly isActive?: () => boolean;
}

/**
 * Keeps every profile's scores current: a downstream consumer of the event log with its own durable cursor
 * (never inside the engine). When a profile's events change it rescores that profile with the workspace's
 * latest model of each name, as of now, through the one {@link ScoreWriter} (whose `score` events the engine
 * then folds like any event); a full pass over everyone runs at start and every `fullIntervalMs` for the
 * passage of time. Its own `score` events are skipped (features do not read them), so scoring cannot feed on
 * itself. Feature states are kept per profile in a bounded cache and advanced incrementally by each new event.
 * The cursor (a {@link LogConsumer} at-least-once, in `predict_cursors`) moves after the scores commit: a crash
 * rescores a batch again, which writes nothing new. Its {@link ConsumerLoop} is gated on `isActive`.
 */
export class LiveScorer {
  private readonly consumer: LogConsumer<StoredEvent, Repos>;
  private readonly loop: ConsumerLoop;
  private readonly models: ModelRepoSql;
  private readonly onError: (error: unknown) => void;
  private queue: Promise<unknown> = Promise.resolve();
  private running = false;
  private fullTimer: TimerHandle | undefined;
  private tailTimer: TimerHandle | undefined;
  private readonly refused = new Set<string>();
  /** Parsed models by `workspace/name/version` (a version never changes once written). */
  private readonly loaded = new Map<string, TrainedModel>();
  private readonly scorers = new ModelScorers();
  /** Feature states of recently rescored profiles, least recently used first (a Map keeps insertion order). */
  private readonly cache = new Map<string, { features: ProfileFeatures; purchaseEvent: string }>();

  constructor(private readonly options: LiveScorerOptions) {
    this.models = new ModelRepoSql(options.store.sql);
    this.onError = options.onError ?? ((error) => console.error('segflow live scorer:', error));
    this.consumer = new LogConsumer<StoredEvent, Repos>({
      db: inStore(options.store),
      log: eventLogOf(options.store.events),
      table: 'predict_cursors',
      name: options.cursorName ?? 'predict',
      from: 'start',
      batchSize: options.batchSize ?? 500,
      process: (events) => this.scoreBatch(events),
    });
    this.loop = new ConsumerLoop({
      step: () =>
        this.exclusive(async () => {
          try {
            return (await this.consumer.step()).more;
          } catch (error) {
            // The batch that failed is read again from the cursor: states that already took its events must go.
            this.cache.clear();
            throw error;
          }
        }),
      onError: this.onError,
      isActive: () => this.isActive(),
    });
  }

  /** Runs a first full pass, moves the cursor past what it covered, then follows the log. */
  async start(): Promise<void> {
    this.running = true;
    // The full pass scores everyone as of now from the whole log, which covers every event up to the head: the
    // cursor jumps there instead of rescoring each of those profiles a second time one by one.
    await this.consumer.position();
    const head = await this.options.store.events.headSeq();
    if (this.isActive()) {
      await this.rescoreEveryone(head);
      await this.exclusive(() => this.consumer.advanceTo(head));
    }
    this.loop.start();
    this.armFull();
    this.armTail();
  }

  /** Stops scheduling; work in progress finishes. */
  async stop(): Promise<void> {
    this.running = false;
    this.fullTimer?.cancel();
    this.tailTimer?.cancel();
    await this.loop.stop();
    await this.idle();
    await this.scorers.release();
  }

  /** Asks for the log to be read (e.g. from ingestion's `onCommitted`); calls while work is queued coalesce. */
  wake(): void {
    if (!this.running) return;
    this.loop.wake();
  }

  /** Resolves when all queued work has finished. */
  async idle(): Promise<void> {
    await this.loop.idle();
    for (;;) {
      const q = this.queue;
      await q.catch(() => {});
      if (q === this.queue) return;
    }
  }

  /** Rescores every profile of every workspace that has models, as of now, from the log up to `uptoSeq` (default its head). */
  async rescoreEveryone(uptoSeq?: number): Promise<number> {
    return this.exclusive(async () => {
      let written = 0;
      if (!this.isActive()) return written;
      for (const workspaceId of await this.workspacesWithModels()) {
        const models = await this.usableModels(workspaceId);
        if (models.length === 0) continue;
        const profiles = await loadProfileFeatures(this.options.store.events, workspaceId, defaultFeatureEvents(models[0]?.purchaseEvent), uptoSeq);
        written += await this.writeScores(workspaceId, models, profiles);
      }
      return written;
    });
  }

  private armFull(): void {
    const every = this.options.fullIntervalMs ?? 86_400_000;
    if (every <= 0 || !this.running) return;
    this.fullTimer = this.options.clock.schedule(this.options.clock.now() + every, () => {
      this.rescoreEveryone().catch(this.onError).finally(() => this.armFull());
    });
  }

  private armTail(): void {
    const every = this.options.tailIntervalMs ?? 5000;
    if (every <= 0 || !this.running) return;
    this.tailTimer = this.options.clock.schedule(this.options.clock.now() + every, () => {
      this.wake();
      this.scoreNewModels()
        .catch(this.onError)
        .finally(() => this.armTail());
    });
  }

  /** A full pass over the workspaces where a model version appeared that this process has not scored with. */
  async scoreNewModels(): Promise<void> {
    if (!this.isActive()) return;
    for (const workspaceId of await this.workspacesWithModels()) {
      const versions = await this.models.latestVersions(workspaceId);
      if (versions.every(({ name, version }) => this.loaded.has(`${workspaceId}/${name}/${version}`))) continue;
      await this.exclusive(async () => {
        const models = await this.usableModels(workspaceId);
        if (models.length === 0) return;
        const profiles = await loadProfileFeatures(this.options.store.events, workspaceId, defaultFeatureEvents(models[0]?.purchaseEvent));
        await this.writeScores(workspaceId, models, profiles);
      });
    }
  }

  /** Rescores the profiles of one log batch (the consumer's `process`; its cursor moves after this). */
  private async scoreBatch(events: readonly StoredEvent[]): Promise<void> {
    const last = events.at(-1)?.seq as number;
    const touched = new Map<string, Map<string, StoredEvent[]>>();
    for (const e of events) {
      if (e.type === 'score') continue;
      let byProfile = touched.get(e.workspaceId);
      if (byProfile === undefined) touched.set(e.workspaceId, (byProfile = new Map()));
      const list = byProfile.get(e.profileId);
      if (list === undefined) byProfile.set(e.profileId, [e]);
      else list.push(e);
    }
    for (const [workspaceId, byProfile] of touched) {
      const models = await this.usableModels(workspaceId);
      if (models.length === 0) continue;
      const purchaseEvent = models[0]?.purchaseEvent ?? 'Order Completed';
      const profiles = new Map<string, ProfileFeatures>();
      for (const [id, batch] of byProfile) {
        const features = await this.featuresOf(workspaceId, id, purchaseEvent, batch, last);
        if (features !== undefined) profiles.set(id, features);
      }
      await this.writeScores(workspaceId, models, profiles);
    }
  }

  /**
   * A profile's features after `batch` (its events of the log batch ending at `uptoSeq`): the cached state plus
   * the batch (incremental), or rebuilt from its history up to `uptoSeq` when not cached or when the batch may
   * hold a merge (an alias, an identify with both ids), which re-points another profile's events to it. Reading
   * the history only up to the batch keeps each event counted once: later ones arrive with their own batch.
   */
  private async featuresOf(workspaceId: string, profileId: string, purchaseEvent: string, batch: readonly StoredEvent[], uptoSeq: number): Promise<ProfileFeatures | undefined> {
    const key = `${workspaceId}\u0000${profileId}`;
    const cached = this.cache.get(key);
    const merges = batch.some((e) => e.type === 'alias' || (e.type === 'identify' && e.userId !== null && e.anonymousId !== null));
    this.cache.delete(key);
    let features: ProfileFeatures;
    if (cached !== undefined && cached.purchaseEvent === purchaseEvent && !merges) {
      features = cached.features.addAll(batch);
    } else {
      const history = (await this.options.store.events.historyOf(workspaceId, profileId)).filter((e) => e.seq <= uptoSeq);
      // A profile merged away keeps no events; the surviving profile is in the batch too (the merging event).
      if (history.length === 0) return undefined;
      features = new ProfileFeatures(defaultFeatureEvents(purchaseEvent)).addAll(history);
    }
    this.cache.set(key, { features, purchaseEvent });
    if (this.cache.size > (this.options.cacheCapacity ?? 100_000)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return features;
  }

  private async writeScores(workspaceId: string, models: readonly TrainedModel[], profiles: ReadonlyMap<string, ProfileFeatures>): Promise<number> {
    const now = this.options.clock.now();
    let batch: ScoreWrite[] = [];
    let written = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      written += (await this.options.writer.write(batch, { minDelta: this.options.minDelta ?? 0.001 })).written.length;
      batch = [];
    };
    const ids = [...profiles.keys()];
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const features = chunk.map((id) => profiles.get(id) as ProfileFeatures);
      for (const model of models) {
        const values = await this.scorers.score(model, features, now);
        values.forEach((value, i) => {
          if (value === undefined || !Number.isFinite(value)) return;
          const profileId = chunk[i] as string;
          const write = (name: string, v: number): void => {
            if (Number.isFinite(v)) batch.push({ workspaceId, profileId, model: name, value: Math.round(v * 1e6) / 1e6, version: String(model.version), at: now });
          };
          write(model.name, value);
          for (const [suffix, v] of Object.entries(companionScores(model, features[i] as ProfileFeatures, now))) write(`${model.name}.${suffix}`, v);
        });
      }
      await flush();
    }
    await flush();
    return written;
  }

  /** The latest model of each name whose feature set matches this code (others are reported once and skipped). */
  private async usableModels(workspaceId: string): Promise<TrainedModel[]> {
    const out: TrainedModel[] = [];
    for (const { name, version } of await this.models.latestVersions(workspaceId)) {
      const key = `${workspaceId}/${name}/${version}`;
      let model = this.loaded.get(key);
      if (model === undefined) {
        model = await this.models.get(workspaceId, name, version);
        if (model === undefined) continue;
        this.loaded.set(key, model);
      }
      const mismatch = featureSetMismatch(model);
      if (mismatch === undefined) out.push(model);
      else if (!this.refused.has(key)) {
        this.refused.add(key);
        this.onError(new Error(`model ${model.name} v${model.version} is not scored: ${mismatch}`));
      }
    }
    return out;
  }

  private async workspacesWithModels(): Promise<string[]> {
    const rows = await this.options.store.sql.query<{ workspace_id: string }>('SELECT DISTINCT workspace_id FROM predict_models ORDER BY workspace_id');
    return rows.map((r) => r.workspace_id);
  }

  private isActive(): boolean {
    return this.options.isActive?.() ?? true;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
