/**
 * @module
 * The real-time engine: rules compiled to closures over a compact per-profile state, an index from what changed
 * to the segments that depend on it, exact durable timers, and the driver ({@link Engine}) that tails the event
 * log and records membership changes; plus the {@link SegmentService} built on it ({@link EngineSegmentService}).
 *
 * Wiring (app/): `const changeLog = new SqlChangeLog(store.sql)`; `const engine = new Engine({ store, clock,
 * changeLog })`; `await engine.start()`; `ingest.onCommitted(() => engine.wake())`;
 * `const segments = new EngineSegmentService(store, engine, changeLog)`; on shutdown `await engine.stop()`.
 * Several processes on one partitioned PostgreSQL: a {@link ClusterWorker} per process instead of the engine
 * (it runs one engine per partition of its share and is what the segment service drives).
 */
export { Engine } from './engine.js';
export { EngineNotActiveError } from './erase-exits.js';
export type { EngineOptions, EnginePartition, EngineRole } from './engine.js';
export { ClusterWorker } from './cluster/cluster-worker.js';
export type { ClusterStatus, ClusterWorkerOptions, PartitionStatus } from './cluster/cluster-worker.js';
export type { ClusterProcess, ClusterRole } from './cluster/cluster-repo-sql.js';
export { assignPartitions } from './cluster/assign-partitions.js';
export { singleEngineStatus } from './cluster/single-engine-status.js';
export type { EngineRepos } from './engine-repos.js';
export type { EngineObserver, EngineStats, OwnedWork } from './engine-observer.js';
export type { BackfillProgress } from './backfill/backfill-runner.js';
export type { EngineLeaseOptions } from './lease/engine-lease.js';
export { EngineSegmentService } from './engine-segment-service.js';
export type { SegmentEngine } from './engine-segment-service.js';
export { TimerRepoSql } from './timers/timer-repo-sql.js';
export type { TimerSetWrite } from './timers/timer-repo-sql.js';
export { historyFromEvents, historyItemsOf } from './state/history-from-events.js';
export type { HistoryItems } from './state/history-from-events.js';
export type {
  BackfillStatus,
  ChangeOptions,
  DryRunResult,
  MemberPage,
  RuleProblem,
  SegmentExplanation,
  SegmentFailure,
  SegmentInput,
  SegmentResult,
  SegmentService,
} from './segment-service.js';
