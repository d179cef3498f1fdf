import type { PlanSchemaKind, Violation } from './plan-types.js';
import type { TrackingPlanRepoSql, ViolationDelta } from './tracking-plan-repo-sql.js';
import { MAX_SAMPLES } from './tracking-plan-repo-sql.js';

const MINUTE_MS = 60_000;

/** Longest sample value kept, in characters (a sample shows the shape of the mistake, not the data). */
const MAX_SAMPLE_VALUE = 120;

function sampleValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > MAX_SAMPLE_VALUE ? `${text.slice(0, MAX_SAMPLE_VALUE)}…` : text;
}

function valueAt(message: Record<string, unknown>, field: string): unknown {
  let here: unknown = message;
  for (const part of field.split('.')) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, part)) return undefined;
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

/**
 * Violation counters, accumulated in memory on the ingestion path and written by {@link flush} in one
 * transaction. Counting on the hot path must not cost a write per message: a flood of bad events (the case the
 * counters exist for) would otherwise double the writes. The price is that counts reach the database up to
 * one flush interval late (the service flushes every 250 ms, and before every read in this process, so the API
 * shows them within a second), and a crash loses at most that interval's counts — counts, never messages: a
 * flagged message carries its violations in its own context, and a blocked one is in the quarantine.
 */
export class ViolationCounter {
  private pending = new Map<string, ViolationDelta>();
  private minutes = new Map<string, { workspaceId: string; minute: number; count: number }>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly repo: TrackingPlanRepoSql) {}

  /** Counts one message's violations. */
  add(workspaceId: string, messageType: PlanSchemaKind, event: string, messageId: string, message: Record<string, unknown>, violations: readonly Violation[], at: number): void {
    for (const v of violations) {
      const key = `${workspaceId}\u0000${messageType}\u0000${event}\u0000${v.type}\u0000${v.field}`;
      let d = this.pending.get(key);
      if (!d) {
        d = { workspaceId, messageType, event, kind: v.type, field: v.field, count: 0, firstSeen: at, lastSeen: at, samples: [] };
        this.pending.set(key, d);
      }
      d.count++;
      d.lastSeen = Math.max(d.lastSeen, at);
      d.firstSeen = Math.min(d.firstSeen, at);
      const value = v.type === 'Required-Missing' || v.type === 'Unplanned-Event' ? undefined : sampleValue(valueAt(message, v.field));
      d.samples.push({ messageId, at, message: v.message, ...(value === undefined ? {} : { value }) });
      if (d.samples.length > MAX_SAMPLES) d.samples.shift();
    }
    if (violations.length > 0) {
      const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
      const mk = `${workspaceId}\u0000${minute}`;
      const m = this.minutes.get(mk) ?? { workspaceId, minute, count: 0 };
      m.count += violations.length;
      this.minutes.set(mk, m);
    }
  }

  /** Whether counts wait to be written. */
  get dirty(): boolean {
    return this.pending.size > 0 || this.minutes.size > 0;
  }

  /**
   * Writes what was counted so far. Flushes run one after the other; a failed write puts its counts back so
   * the next flush retries them.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      if (!this.dirty) return;
      const deltas = this.pending;
      const minutes = this.minutes;
      this.pending = new Map();
      this.minutes = new Map();
      try {
        await this.repo.addViolations([...deltas.values()], minutes);
      } catch (error) {
        for (const [k, d] of deltas) {
          const now = this.pending.get(k);
          if (now) {
            now.count += d.count;
            now.firstSeen = Math.min(now.firstSeen, d.firstSeen);
            now.samples = [...d.samples, ...now.samples].slice(-MAX_SAMPLES);
          } else this.pending.set(k, d);
        }
        for (const [k, m] of minutes) {
          const now = this.minutes.get(k);
          if (now) now.count += m.count;
          else this.minutes.set(k, m);
        }
        throw error;
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }
}
