import { readFileSync } from 'node:fs';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../core/index.js';
import type { SegmentService } from '../engine/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { Store } from '../store/index.js';
import { parseDestinationAllowlist } from './destination-allowlist.js';
import { DeliveryWorker, EMAIL_ELIGIBLE_SEGMENT, type DeliveryWorkerOptions, type WorkerLogEntry } from './delivery-worker.js';
import { DestinationRepoSql } from './destination-repo-sql.js';
import { DestinationService } from './destination-service.js';
import { secretCipherFromEnv } from './secret-cipher.js';
import { SsrfGuard, type Resolver } from './ssrf-guard.js';
import { connectDestination, listSyncOf } from './connect-destination.js';
import { ensureConsentSegments } from './consent-segments.js';
import { changeListMember, type ListMemberChange, type ListMemberOutcome } from './list-sync/list-member-change.js';
import { WebhookDestination } from './webhook-destination.js';

/** What the app hands over to run destinations. */
export interface StartDestinationsOptions {
  readonly store: Store;
  readonly changeLog: ChangeLog;
  readonly segments: SegmentService;
  readonly clock: Clock;
  /** Where `SEGFLOW_DESTINATION_ALLOWLIST` and `SEGFLOW_SECRET_KEY` are read (the app's configuration; default none). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Workspaces that get the `__email_eligible` system segment now (default: the default workspace); any other
   * workspace gets it when its first email-targeting destination is registered.
   */
  readonly workspaces?: readonly string[];
  readonly resolver?: Resolver;
  readonly log?: (entry: WorkerLogEntry) => void;
  /** When given, `segflow_destination_attempts_total{outcome}` and `segflow_destination_attempt_seconds` go here. */
  readonly metrics?: Registry;
  readonly worker?: Partial<Omit<DeliveryWorkerOptions, 'store' | 'changeLog' | 'segments' | 'clock' | 'connect'>>;
}

/** Running destinations: the service for the API, the worker, and how to stop it. */
export interface RunningDestinations {
  readonly service: DestinationService;
  readonly worker: DeliveryWorker;
  readonly guard: SsrfGuard;
  /** The enabled webhook destination of a workspace with this name, connected (workflow webhook steps send through it). */
  webhookByName(workspaceId: string, name: string): Promise<WebhookDestination | undefined>;
  /**
   * Puts a person on (or takes them off) a list of the enabled ESP destination with this name (workflow
   * `add_to_list` / `remove_from_list` steps); undefined when there is no such destination.
   */
  listMember(workspaceId: string, name: string, change: ListMemberChange): Promise<ListMemberOutcome | undefined>;
  stop(): Promise<void>;
}

/**
 * Registers the `__email_eligible` system segment (rule `email_eligible`) in a workspace unless it exists;
 * email-targeting destinations watch its changes to send exits when people become ineligible.
 */
export async function ensureEmailEligibleSegment(segments: SegmentService, workspaceId: string): Promise<void> {
  if (await segments.get(workspaceId, EMAIL_ELIGIBLE_SEGMENT)) return;
  const created = await segments.create(workspaceId, {
    name: EMAIL_ELIGIBLE_SEGMENT,
    rule: 'email_eligible',
    description: 'System segment: people who may be emailed now. Used by email-targeting destinations; do not delete.',
  });
  if (!created.ok && created.error.kind !== 'name_taken') {
    throw new Error(`cannot register the ${EMAIL_ELIGIBLE_SEGMENT} system segment: ${JSON.stringify(created.error)}`);
  }
}

/**
 * The one call the app makes: parses the allow-list (a bad entry is a configuration error and throws) and the
 * secret key (`SEGFLOW_SECRET_KEY` seals signing secrets at rest with AES-256-GCM),
 * registers `__email_eligible`, builds the SSRF guard, the service and the worker, and starts the worker.
 */
export async function startDestinations(options: StartDestinationsOptions): Promise<RunningDestinations> {
  const allowlist = parseDestinationAllowlist(options.env?.SEGFLOW_DESTINATION_ALLOWLIST);
  for (const ws of options.workspaces ?? ['ws_default']) await ensureEmailEligibleSegment(options.segments, ws);
  const cipher = secretCipherFromEnv(options.env ?? {});
  // Destinations that declared consent categories before their consent segments existed get them now.
  for (const d of await new DestinationRepoSql(options.store.sql, cipher).all()) {
    if (d.config.consentCategories?.length) await ensureConsentSegments(options.segments, d.workspaceId, d.config.consentCategories);
  }
  // Extra CA certificates (PEM) trusted for https destinations, e.g. an internal receiver with a private CA.
  const caFile = options.env?.SEGFLOW_DESTINATION_CA_FILE;
  const ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  const guard = new SsrfGuard({ allowlist, ...(options.resolver ? { resolver: options.resolver } : {}) });
  const attempts = options.metrics
    ? new Counter({
        name: 'segflow_destination_attempts_total',
        help: 'Webhook delivery attempts by outcome (delivered, retry, dead).',
        labelNames: ['outcome'],
        registers: [options.metrics],
      })
    : undefined;
  const seconds = options.metrics
    ? new Histogram({
        name: 'segflow_destination_attempt_seconds',
        help: 'Duration of webhook delivery attempts.',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
        registers: [options.metrics],
      })
    : undefined;
  const worker = new DeliveryWorker({
    store: options.store,
    changeLog: options.changeLog,
    segments: options.segments,
    clock: options.clock,
    cipher,
    connect: (d) => connectDestination(d, { guard, clock: options.clock, ...(ca === undefined ? {} : { ca }) }),
    ...(options.log ? { log: options.log } : {}),
    onAttempt: (a) => {
      attempts?.inc({ outcome: a.outcome });
      seconds?.observe(a.durationMs / 1000);
    },
    ...options.worker,
  });
  const service = new DestinationService({
    store: options.store,
    changeLog: options.changeLog,
    guard,
    clock: options.clock,
    segments: options.segments,
    cipher,
    ensureEligibilitySegment: (ws) => ensureEmailEligibleSegment(options.segments, ws),
    ensureConsentSegments: (ws, categories) => ensureConsentSegments(options.segments, ws, categories),
    ...(ca === undefined ? {} : { connect: { ca } }),
    onChange: () => worker.wake(),
  });
  worker.start();
  const webhookByName = async (workspaceId: string, name: string): Promise<WebhookDestination | undefined> => {
    const found = (await new DestinationRepoSql(options.store.sql, cipher).list(workspaceId)).find((d) => d.name === name && d.enabled && d.kind === 'webhook');
    if (found === undefined) return undefined;
    // The same sender the delivery worker builds: both signatures during a rotation, the private CA if any.
    const sender = connectDestination(found, { guard, clock: options.clock, ...(ca === undefined ? {} : { ca }) });
    return sender instanceof WebhookDestination ? sender : undefined;
  };
  const listMember = async (workspaceId: string, name: string, change: ListMemberChange): Promise<ListMemberOutcome | undefined> => {
    const found = (await new DestinationRepoSql(options.store.sql, cipher).list(workspaceId)).find((d) => d.name === name && d.enabled && d.kind !== 'webhook');
    if (found === undefined) return undefined;
    const { provider } = listSyncOf(found, { guard, clock: options.clock, ...(ca === undefined ? {} : { ca }) });
    return changeListMember(found, provider, change);
  };
  return { service, worker, guard, webhookByName, listMember, stop: () => worker.stop() };
}
