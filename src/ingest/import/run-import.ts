import { isLineError, type ImportSource } from './import-record.js';

/** One message the pipeline refused, reported with the input line it came from. */
export interface ImportRejection {
  readonly line: number;
  readonly code: string;
  readonly detail: string;
  readonly field?: string;
}

/** What the ingestion pipeline did with one batch; `rejected[].index` is the position in the batch. */
export interface BatchOutcome {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly { readonly index: number; readonly code: string; readonly detail: string; readonly field?: string }[];
}

/** Sends one batch of Segment messages through the ingestion pipeline. */
export type IngestBatch = (messages: Record<string, unknown>[]) => Promise<BatchOutcome>;

/** Running totals, reported after every batch. */
export interface ImportProgress {
  readonly read: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/** The result of an import. `errors` keeps the first 50 problems (line errors and rejections). */
export interface ImportSummary extends ImportProgress {
  readonly lineErrors: number;
  readonly errors: readonly ImportRejection[];
  readonly seconds: number;
}

/** Options of {@link runImport}. */
export interface ImportOptions {
  readonly batchSize: number;
  /** Added to every message's `timestamp` (to move an old data set to the present for demos). */
  readonly shiftMs?: number;
  readonly onProgress?: (p: ImportProgress) => void;
  /** Monotonic milliseconds, for the duration (injected so tests are deterministic). */
  readonly now?: () => number;
}

const MAX_KEPT_ERRORS = 50;

/** Moves a message's timestamp by `shiftMs`; messages without a readable timestamp are left as they are. */
export function shiftTimestamp(message: Record<string, unknown>, shiftMs: number): Record<string, unknown> {
  if (shiftMs === 0 || typeof message.timestamp !== 'string') return message;
  const t = Date.parse(message.timestamp);
  return Number.isNaN(t) ? message : { ...message, timestamp: new Date(t + shiftMs).toISOString() };
}

/** The latest message timestamp of a source (a first pass, used to compute a shift to the present). */
export async function latestTimestamp(source: ImportSource): Promise<number | undefined> {
  let latest: number | undefined;
  for await (const r of source.records()) {
    if (isLineError(r) || typeof r.message.timestamp !== 'string') continue;
    const t = Date.parse(r.message.timestamp);
    if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

/**
 * Streams a source through the ingestion pipeline in batches. Idempotent when the source's message ids are
 * deterministic (every built-in source's are): a re-run reports everything as duplicates and stores nothing.
 */
export async function runImport(source: ImportSource, ingest: IngestBatch, options: ImportOptions): Promise<ImportSummary> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let read = 0;
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  let lineErrors = 0;
  const errors: ImportRejection[] = [];
  const keep = (e: ImportRejection): void => {
    if (errors.length < MAX_KEPT_ERRORS) errors.push(e);
  };
  let batch: Record<string, unknown>[] = [];
  let lines: number[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const outcome = await ingest(batch);
    accepted += outcome.accepted;
    duplicates += outcome.duplicates;
    rejected += outcome.rejected.length;
    for (const r of outcome.rejected) {
      keep({ line: lines[r.index] ?? 0, code: r.code, detail: r.detail, ...(r.field ? { field: r.field } : {}) });
    }
    batch = [];
    lines = [];
    options.onProgress?.({ read, accepted, duplicates, rejected });
  };

  for await (const r of source.records()) {
    if (isLineError(r)) {
      lineErrors++;
      keep({ line: r.line, code: 'IMPORT_LINE_UNREADABLE', detail: r.message });
      continue;
    }
    read++;
    batch.push(options.shiftMs ? shiftTimestamp(r.message, options.shiftMs) : r.message);
    lines.push(r.line);
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  return { read, accepted, duplicates, rejected, lineErrors, errors, seconds: (now() - started) / 1000 };
}
