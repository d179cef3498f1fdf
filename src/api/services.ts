import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock, Profile, StoredEvent } from '../core/index.js';
import type { DestinationService } from '../destinations/index.js';
import type { ExperimentService } from '../experiments/index.js';
import type { ClusterStatus, SegmentService } from '../engine/index.js';
import type { AuthResult, EspProblem, EspProvider, EspReceipt, EspRequest, EspSettings, IngestMeta, IngestResult } from '../ingest/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { ScoreService } from '../predict/index.js';
import type { WorkflowService } from '../workflows/index.js';
import type { AlertService, AuditEntry, AuditQuery, AuditRecord, Monitor } from '../monitor/index.js';
import type { PrivacyPort } from '../privacy/index.js';
import type { SessionService } from './session/index.js';
import type { TrackingPlanService } from '../tracking-plan/index.js';

/** Ingestion as the `/v1/*` routes use it. */
export interface IngestPort {
  ingest(workspaceId: string, messages: readonly unknown[], meta: IngestMeta): Promise<IngestResult>;
  /** Requests waiting for the writer (a gauge on `/metrics`). */
  readonly queueDepth: number;
}

/** Key checks: which workspace a write or admin key belongs to. */
export interface KeyPort {
  authenticate(key: string | undefined, kind: 'write' | 'admin'): Promise<AuthResult>;
}

/** An API key as the admin API shows it: never the secret, never its hash. */
export interface KeyView {
  readonly id: string;
  readonly kind: 'write' | 'admin';
  /** The first characters of the secret, to recognise it. */
  readonly prefix: string;
  readonly name?: string;
  readonly createdAt: number;
  readonly revokedAt?: number;
}

/** A workspace as the admin API shows it. */
export interface WorkspaceView {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** Why a key could not be revoked. */
export type RevokeRefusal = 'KEY_NOT_FOUND' | 'KEY_LAST_ADMIN';

/** Workspaces and their keys: creation, listing, revocation. Secrets are returned once, at creation. */
export interface WorkspacePort {
  /** Creates a workspace with one write key and one admin key; their secrets are in the answer only. */
  create(name: string): Promise<{ readonly workspace: WorkspaceView; readonly writeKey: string; readonly adminKey: string }>;
  list(): Promise<readonly WorkspaceView[]>;
  get(id: string): Promise<WorkspaceView | undefined>;
  /** The workspace's keys, revoked ones included, oldest first. */
  listKeys(workspaceId: string): Promise<readonly KeyView[]>;
  /** A new key; its secret is in the answer only (stored as a SHA-256 hash). */
  createKey(workspaceId: string, kind: 'write' | 'admin', name?: string): Promise<{ readonly key: KeyView; readonly secret: string }>;
  /** Revokes at once, in every process; refuses to revoke the workspace's last active admin key. */
  revokeKey(workspaceId: string, keyId: string): Promise<{ readonly ok: true; readonly key: KeyView } | { readonly ok: false; readonly error: RevokeRefusal }>;
}

/** The audit log: the hook appends, `GET /api/audit` reads one workspace's rows. */
export interface AuditPort {
  record(entry: AuditEntry): Promise<void>;
  list(workspaceId: string, query: AuditQuery): Promise<readonly AuditRecord[]>;
}

/** A profile and a page of its events, newest first. */
export interface ProfilePage {
  readonly profile: Profile;
  readonly events: readonly StoredEvent[];
  /** Cursor of the next (older) page, null at the end. */
  readonly nextBefore: number | null;
}

/**
 * Read-only questions about people. `ref` is any profile reference (`prof_…`, `user_id:ada`,
 * `anonymous_id:…`, `email:…`, or a bare userId / anonymousId), resolved by the one shared resolver.
 */
export interface ProfileQueries {
  /** The profile id `ref` names (following merges), or undefined. */
  resolve(workspaceId: string, ref: string): Promise<string | undefined>;
  /** The profile `ref` names (following merges) with `limit` of its events older than `beforeSeq`. */
  page(
    workspaceId: string,
    ref: string,
    options: { readonly limit: number; readonly beforeSeq?: number; /** Only track events with these names. */ readonly names?: readonly string[] },
  ): Promise<ProfilePage | undefined>;
}

/** ESP event webhooks: verification and ingestion of one provider request, and the providers' secrets. */
export interface EspPort {
  receive(provider: EspProvider, workspaceId: string, request: EspRequest): Promise<EspReceipt | EspProblem>;
  /** Which providers have a secret configured (never the secrets). */
  configured(workspaceId: string): Promise<Record<EspProvider, boolean>>;
  /** The SNS topics SES accepts for the workspace (empty: any topic with a valid signature). */
  sesAllowedTopics?(workspaceId: string): Promise<readonly string[]>;
  save(workspaceId: string, settings: EspSettings): Promise<void>;
  remove(workspaceId: string, provider: EspProvider): Promise<void>;
}

/**
 * Everything the HTTP API may call, built once by `startApp` (src/app). Routes receive narrow ports, never the
 * store: the API cannot reach a table a service does not expose. Other areas add their service as ONE optional
 * field (`workflows?: WorkflowService`) and their routes register only when it is present, so tests can build
 * a server with just what they exercise.
 */
export interface Services {
  readonly ingest: IngestPort;
  readonly keys: KeyPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The Prometheus registry `/metrics` serves; areas may register their own metrics on it. */
  readonly metrics: Registry;
  /** Bearer token that opens `/metrics` to a scraper (`SEGFLOW_METRICS_TOKEN`); without it only the operator's admin key. */
  readonly metricsToken?: string;
  /** True once shutdown began: `/readyz` answers 503 so load balancers stop sending traffic. */
  readonly isShuttingDown: () => boolean;
  /** Whether the database answers (`/readyz`). */
  readonly ping: () => Promise<boolean>;
  /** People: `GET /api/profiles/{ref}`. */
  readonly profiles?: ProfileQueries;
  /** ESP event webhooks and their settings. */
  readonly esp?: EspPort;
  /** Segment administration backed by the real-time engine. */
  readonly segments?: SegmentService;
  /** The membership change log (the outbox every downstream consumer reads). */
  readonly changes?: ChangeLog;
  /** Outbound membership webhooks (registration, deliveries, replay). */
  readonly destinations?: DestinationService;
  /** Scores set through the admin API and read per profile (predictions). */
  readonly scores?: ScoreService;
  /** Experiments: arms, exposures, conversions and reports. */
  readonly experiments?: ExperimentService;
  /** Lifecycle workflows (definitions, versions, runs, simulation, backtests). */
  readonly workflows?: WorkflowService;
  /** Web app sessions (admin key → cookie); without it `/api` accepts only Bearer keys. */
  readonly sessions?: SessionService;
  /** The audit log of administrative requests; without it nothing is recorded and `/api/audit` is absent. */
  readonly audit?: AuditPort;
  /** Workspaces and API keys (`/api/workspaces`, `/api/keys`). */
  readonly workspaces?: WorkspacePort;
  /** Read models: size history, names seen in the data, people directory, rule versions (src/monitor). */
  readonly monitor?: Monitor;
  /** Tracking plan: schemas, violations, quarantine and replay (src/tracking-plan). */
  readonly trackingPlan?: TrackingPlanService;
  /** Alert rules and the alerts they raised (src/monitor). */
  readonly alerts?: AlertService;
  /** Erasure, suppression and export of people (src/privacy, docs/privacy.md). */
  readonly privacy?: PrivacyPort;
  /** The processes sharing the database, their partitions of the event log and each partition's lag. */
  readonly cluster?: ClusterPort;
}

/** `GET /api/cluster`: how the engine work is divided among the processes on this database. */
export interface ClusterPort {
  status(): Promise<ClusterStatus>;
}

