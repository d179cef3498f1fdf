/**
 * @module
 * Live experiments: definitions, deterministic assignment, the worker that records exposures and conversions
 * from the membership change log and the event log, and the service behind the API and CLI.
 */
export { assignArm, assignmentPoint } from './assign-arm.js';
export { parseEventSelector, parseExperimentDefinition, parseWindow } from './experiment-definition.js';
export type { ArmDefinition, CompiledMetric, DefinitionProblem, DefinitionResult, ExperimentDefinition, MetricDefinition } from './experiment-definition.js';
export { armSegmentName, parseArmSegmentName } from './experiment-record.js';
export type { ArmAggregate, Conversion, ExperimentRecord, ExperimentStatus, Exposure } from './experiment-record.js';
export { ExperimentRepoSql } from './experiment-repo-sql.js';
export { computeReport, SqlExperimentService } from './experiment-service.js';
export type { CumulativePoint, ExperimentFailure, ExperimentReport, ExperimentResult, ExperimentService } from './experiment-service.js';
export { ExperimentWorker } from './experiment-worker.js';
export type { ExperimentWorkerOptions, TickResult } from './experiment-worker.js';
