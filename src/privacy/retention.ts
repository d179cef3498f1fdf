import { PeriodicTask, type Clock } from '../core/index.js';
import { processedCondition, processedUpTo } from '../store/index.js';
import type { Store } from '../store/index.js';

/** The workspace setting that holds the retention (`{ "eventsDays": N }`). */
export const RETENTION_SETTING = 'privacy.retention';

const DAY = 86_400_000;

/** A workspace's retention: events older than `eventsDays` days (by event time) are deleted; null keeps all. */
export interface Retention {
  readonly eventsDays: number | null;
}

/** What one pass deleted. */
export interface RetentionPass {
  readonly deleted: number;
  /** True when a workspace still had more to delete than one pass takes (the next pass continues). */
  readonly more: boolean;
}

/** How the retention worker is built. */
export interface RetentionOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Events deleted per transaction (default 5,000): bounds how long the writer is held. */
  readonly batchSize?: number;
  /** Batches per workspace and pass (default 20). */
  readonly batchesPerPass?: number;
  /** Time between passes (default 1 h). */
  readonly intervalMs?: number;
  /**
   * The engine's cursor name (default "engine"; in a cluster its partitions' cursors are `<name>:p<i>`): events
   * it has not processed yet are never deleted.
   */
  readonly cursorName?: string;
  readonly onError?: (error: unknown) => void;
}

/**
 * Event retention per workspace: in the background, every `intervalMs` of the injected clock, events whose
 * event time is older than the workspace's `eventsDays` are deleted in bounded batches (one transaction each).
 *
 * Only events the engine has already processed are deleted (seq ≤ the cursor of the event's partition, see
 * `processedUpTo`: the single engine's, or in a cluster each partition engine's), so none disappears before its
 * membership effects are recorded. The engine keeps the compact state it built from them until the profile is
 * reloaded (a restart, a segment change, cache eviction); from then on rules see only what is kept — hence the
 * checker's warnings (`retentionFindings`) on rules that read further back. Erasure is separate and
 * immediate (`ErasureService`). The selection walks the log from its oldest seq (old events have low seqs), so a
 * pass with nothing to delete reads the workspace's events once; passes are hourly.
 */
export class RetentionWorker {
  private readonly task: PeriodicTask<RetentionPass>;
  private readonly batchSize: number;
  private readonly batchesPerPass: number;

  constructor(private readonly options: RetentionOptions) {
    this.batchSize = options.batchSize ?? 5_000;
    this.batchesPerPass = options.batchesPerPass ?? 20;
    this.task = new PeriodicTask(options.clock, options.intervalMs ?? 3_600_000, () => this.pass(), (error) => options.onError?.(error));
  }

  /** The retention of a workspace. */
  async get(workspaceId: string): Promise<Retention> {
    const v = (await this.options.store.workspaces.getSetting(workspaceId, RETENTION_SETTING)) as { eventsDays?: unknown } | undefined;
    return { eventsDays: typeof v?.eventsDays === 'number' ? v.eventsDays : null };
  }

  /** Sets (or, with null, removes) a workspace's retention. */
  async set(workspaceId: string, retention: Retention): Promise<void> {
    await this.options.store.workspaces.setSetting(workspaceId, RETENTION_SETTING, retention.eventsDays === null ? undefined : { eventsDays: retention.eventsDays });
  }

  /** Runs one pass over every workspace with a retention, now (after a pass in progress). */
  runOnce(): Promise<RetentionPass> {
    return this.task.runNow();
  }

  /** Starts the background passes. */
  start(): void {
    this.task.start();
  }

  /** Stops; resolves when a running pass is done. */
  stop(): Promise<void> {
    return this.task.stop();
  }

  private async pass(): Promise<RetentionPass> {
    const { store, clock } = this.options;
    const settings = await store.sql.query<{ workspace_id: string; value: unknown }>('SELECT workspace_id, value FROM workspace_settings WHERE name = $1', [
      RETENTION_SETTING,
    ]);
    const processed = processedCondition(await processedUpTo(store.sql, this.options.cursorName ?? 'engine'));
    let deleted = 0;
    let more = false;
    for (const s of settings) {
      const value = (typeof s.value === 'string' ? JSON.parse(s.value) : s.value) as { eventsDays?: unknown };
      if (typeof value.eventsDays !== 'number' || value.eventsDays <= 0) continue;
      const cutoff = clock.now() - value.eventsDays * DAY;
      for (let b = 0; ; b++) {
        if (b === this.batchesPerPass) {
          more = true;
          break;
        }
        const n = await store.transaction((tx) =>
          tx.sql.execute(
            `DELETE FROM events WHERE seq IN (
               SELECT seq FROM events WHERE workspace_id = $1 AND timestamp < $2 AND ${processed} ORDER BY seq LIMIT $3)`,
            [s.workspace_id, cutoff, this.batchSize],
          ),
        );
        deleted += n;
        if (n < this.batchSize) break;
      }
    }
    return { deleted, more };
  }
}
