import type { ExperimentDefinition } from './experiment-definition.js';

/** Running: exposures and conversions are recorded. Stopped: nothing more is recorded; the report stays. */
export type ExperimentStatus = 'running' | 'stopped';

/** A saved experiment. */
export interface ExperimentRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly definition: ExperimentDefinition;
  /** The assignment salt (the definition's, or the id). Never changes: changing it would reshuffle everyone. */
  readonly salt: string;
  readonly status: ExperimentStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The name of the system segment that realises an arm: `__exp:<experiment>:<arm>`. */
export function armSegmentName(experiment: string, arm: string): string {
  return `__exp:${experiment}:${arm}`;
}

/** The experiment and arm names of an arm segment name, or undefined for any other segment. */
export function parseArmSegmentName(segmentName: string): { readonly experiment: string; readonly arm: string } | undefined {
  if (!segmentName.startsWith('__exp:')) return undefined;
  const rest = segmentName.slice('__exp:'.length);
  // experiment and arm names cannot contain ':' (see experiment-definition.ts), so the split is unambiguous
  const at = rest.indexOf(':');
  return at > 0 ? { experiment: rest.slice(0, at), arm: rest.slice(at + 1) } : undefined;
}

/** One exposure: the first moment a person entered their own arm's segment. */
export interface Exposure {
  readonly experimentId: string;
  readonly profileId: string;
  readonly arm: string;
  readonly exposedAt: number;
}

/** One matching event after an exposure, within the metric's window. `value` is 1 for a conversion. */
export interface Conversion {
  readonly experimentId: string;
  readonly metric: string;
  readonly eventSeq: number;
  readonly profileId: string;
  readonly value: number;
  readonly at: number;
}

/** Per arm: exposures, and per metric the people with at least one conversion and the sums of their totals. */
export interface ArmAggregate {
  readonly arm: string;
  readonly exposures: number;
  readonly metrics: Readonly<Record<string, { readonly people: number; readonly sum: number; readonly sumOfSquares: number }>>;
}
