/** The admin API's answers, as the app uses them (see /api/openapi.json for the full schemas). */

export interface Segment {
  id: string;
  name: string;
  description: string;
  version: number;
  rule: string;
  group: string | null;
  priority: number;
  createdAt: string;
  updatedAt: string;
  size?: number;
}

export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  line?: number;
  column?: number;
  offset?: number;
  length?: number;
  hint?: string;
}

export interface PersonRef {
  profileId: string;
  userId: string | null;
  email: string | null;
}

export interface DryRun {
  rule: string;
  size: number;
  entered: number;
  exited: number;
  sampleEnteredPeople?: PersonRef[];
  sampleExitedPeople?: PersonRef[];
  warnings: Diagnostic[];
  at: string;
}

export interface Member extends Partial<PersonRef> {
  profileId: string;
  since: string;
}

export interface Change {
  seq: number;
  segmentId: string;
  segmentName?: string;
  profileId: string;
  userId?: string | null;
  email?: string | null;
  kind: 'entered' | 'exited';
  at: string;
  recordedAt: string;
  cause: { kind: string } & Record<string, unknown>;
}

export interface SizePoint {
  t: string;
  size: number;
  entered: number;
  exited: number;
}

export interface Catalog {
  events: string[];
  properties: Record<string, { name: string; type: string }[]>;
  traits: { name: string; type: string }[];
}

export interface PersonHit extends PersonRef {
  anonymousId: string | null;
  matchedBy: string;
  lastSeenAt: string | null;
}

export interface TimelineEvent {
  seq: number;
  type: string;
  name: string | null;
  timestamp: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
}

export interface Profile {
  id: string;
  traits: Record<string, unknown>;
  identities: { kind: string; value: string; firstSeenAt: string }[];
  subscription: { state: string; changedAt: string | null; reason: string | null; consent: Record<string, boolean> };
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  segments: { segmentId: string; name: string; since: string }[];
  events: { items: TimelineEvent[]; nextBefore: number | null };
}

export interface ExplainNode {
  kind: string;
  value: boolean;
  text: string;
  nextChange?: number;
  evidence: { kind: string } & Record<string, unknown>;
  children: ExplainNode[];
}

export interface Explanation {
  segmentId: string;
  profileId: string;
  at: string;
  member: boolean;
  excludedBy?: string;
  explanation: ExplainNode;
}

export interface Destination {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveDeadLetters: number;
  failingSince: string | null;
  counts?: { pending: number; delivered: number; dead: number };
}

export interface Delivery {
  id: string;
  seq: number;
  profileId: string;
  segmentId: string;
  kind: 'entered' | 'exited';
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  attemptLog: { n: number; durationMs: number; status: number | null; outcome: string; error: string | null }[];
}

/** An experiment as `GET /api/experiments` returns it. */
export interface Experiment {
  id: string;
  name: string;
  status: 'running' | 'stopped';
  definition: {
    name: string;
    description?: string;
    control: string;
    arms: { name: string; rule: string; weight: number; holdout?: boolean }[];
    metrics: { kind: 'conversion' | 'revenue' | 'rule'; name: string; event?: string; property?: string; rule?: string; window: string; guardrail?: boolean }[];
    plannedPerArm?: number;
    alpha?: number;
  };
  armSegments: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** One metric of one arm in a report (null: cannot be estimated yet). */
export interface ArmMetric {
  kind: 'proportion' | 'mean';
  guardrail: boolean;
  mean: number | null;
  lift: number | null;
  liftLow: number | null;
  liftHigh: number | null;
  absoluteLift: number | null;
  absoluteLow: number | null;
  absoluteHigh: number | null;
  pValue: number | null;
  log10PValue: number | null;
  sequential: { low: number | null; high: number | null; pValue: number | null; significant: boolean };
}

/** One day of an arm's cumulative series: exposures and people converted per conversion metric. */
export interface ArmSeriesPoint {
  day: string;
  exposures: number;
  converters: Record<string, number>;
}

/** `GET /api/experiments/{id}/report`. */
export interface ExperimentReport {
  experiment: Experiment;
  at: string;
  control: string;
  alpha: number;
  sequential: { method: string; plannedPerArm: number };
  arms: { arm: string; n: number; weight: number; control: boolean; holdout: boolean; metrics: Record<string, ArmMetric> }[];
  srm: { chiSquare: number; df: number; pValue: number; mismatch: boolean; expected: number[] };
  verdict: string[];
  series: Record<string, ArmSeriesPoint[]>;
}

/** A workflow as `GET /api/workflows` returns it (`definition`: the current version as saved). */
export interface Workflow {
  id: string;
  name: string;
  status: 'active' | 'paused' | 'archived';
  version: number;
  definition: WorkflowSource;
  createdAt: string;
  updatedAt: string;
}

/** A workflow definition as saved (the JSON form of a `*.workflow.yaml`; see docs/workflows.md). */
export interface WorkflowSource {
  name: string;
  description?: string;
  trigger?: { entered?: string; exited?: string; event?: string; where?: string; key?: string };
  goal?: string;
  exit_when?: string;
  re_entry?: string;
  timezone?: string;
  quiet_hours?: { start: string; end: string };
  frequency_cap?: { max: number; within: string };
  steps?: WorkflowStepSource[];
}

/** One step as saved: an `id` and exactly one kind. */
export interface WorkflowStepSource {
  id: string;
  wait?: string | { until: string };
  wait_until?: { rule?: string; event?: string; where?: string; timeout: string };
  on_timeout?: WorkflowStepSource[];
  if?: string;
  then?: WorkflowStepSource[];
  else?: WorkflowStepSource[];
  goto?: string;
  webhook?: string;
  set_trait?: Record<string, unknown>;
  add_to_list?: string | { destination: string; list?: string };
  remove_from_list?: string | { destination: string; list?: string };
  exit?: boolean;
}

/** One version's numbers (`GET /api/workflows/{id}/stats`). */
export interface WorkflowVersionStats {
  version: number;
  entered: number;
  active: number;
  atStep: Record<string, number>;
  exited: Record<string, number>;
  goalReached: number;
  actions: { pending: number; sent: number; failed: number };
  steps?: Record<string, { outcomes: Record<string, number>; actions: { pending: number; sent: number; failed: number } }>;
}

/** One entry of a run's path. */
export interface RunStep {
  stepId: string;
  at: string;
  outcome: string;
  rule?: string;
  values?: { text: string; value: boolean }[];
  cause?: string;
}

/** A person's run (`GET /api/workflows/{id}/runs?profile=…`). */
export interface WorkflowRun {
  id: string;
  workflowId: string;
  version: number;
  profileId: string;
  key: string;
  status: 'active' | 'ended';
  stepId: string;
  exitCause: string | null;
  enteredAt: string;
  updatedAt: string;
  path: RunStep[];
  actions: { id: string; stepId: string; kind: string; target: string; status: string; attempts: number; dueAt: string }[];
}
