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
