import type { Clock, Profile } from '../core/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { Store } from '../store/index.js';
import type { ActionOutcome, ActionPorts, WorkflowWebhookPayload } from './action-sender.js';
import type { SegmentDirectory } from './workflow-catalog.js';
import { WorkflowRuntime } from './workflow-runtime.js';
import { WorkflowService } from './workflow-service.js';

/** A connected webhook destination (src/destinations `WebhookDestination`), as far as workflows use it. */
export interface WebhookSender {
  deliverJson(
    id: string,
    payload: object,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly error: string; readonly retryAfterMs?: number }>;
}

/** What the app hands over to run workflows. Every dependency is a narrow port. */
export interface StartWorkflowsOptions {
  readonly store: Store;
  readonly changeLog: ChangeLog;
  readonly clock: Clock;
  readonly segments: SegmentDirectory;
  /** Registered destination names of a workspace. */
  readonly destinationNames: (workspaceId: string) => Promise<ReadonlySet<string>>;
  /** The enabled webhook destination with this name. */
  readonly webhookByName: (workspaceId: string, name: string) => Promise<WebhookSender | undefined>;
  /**
   * Ingests one `identify` (set_trait steps): `messageId` is the action's idempotency id, so a resend is a
   * duplicate that ingestion stores once.
   */
  readonly identify: (workspaceId: string, message: Record<string, unknown>) => Promise<ActionOutcome>;
  /**
   * Puts a person on (or takes them off) a list of the enabled ESP destination with this name (`add_to_list` /
   * `remove_from_list`); undefined when there is none. Absent: list steps fail as not available.
   */
  readonly listMember?: (
    workspaceId: string,
    destination: string,
    change: { readonly add: boolean; readonly list: string; readonly profile: Profile | undefined; readonly key: string },
  ) => Promise<ActionOutcome | undefined>;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
  /** Whether this process runs journeys now (the app passes "the engine holds its lease"; default always). */
  readonly isActive?: () => boolean;
}

/** Running workflows: the service for the API, the runtime, and how to stop it. */
export interface RunningWorkflows {
  readonly service: WorkflowService;
  readonly runtime: WorkflowRuntime;
  /** Call when new events committed (ingestion's `onCommitted`). */
  wake(): void;
  stop(): Promise<void>;
}

/** The action ports over destinations (webhooks) and ingestion (traits). */
export function workflowPorts(options: Pick<StartWorkflowsOptions, 'store' | 'webhookByName' | 'identify' | 'listMember'>): ActionPorts {
  const listMember = options.listMember;
  return {
    ...(listMember === undefined
      ? {}
      : {
          async listMember(workspaceId: string, destination: string, change: { readonly add: boolean; readonly list: string; readonly profileId: string; readonly messageId: string }): Promise<ActionOutcome> {
            const profile = await options.store.profiles.get(workspaceId, change.profileId);
            const outcome = await listMember(workspaceId, destination, { add: change.add, list: change.list, profile, key: change.messageId });
            return outcome ?? { ok: false, retryable: false, error: `no enabled ESP destination named "${destination}"` };
          },
        }),
    async webhook(workspaceId: string, destination: string, message: { readonly id: string; readonly payload: WorkflowWebhookPayload }): Promise<ActionOutcome> {
      const sender = await options.webhookByName(workspaceId, destination);
      if (!sender) return { ok: false, retryable: false, error: `no enabled destination named "${destination}"` };
      const profile = await options.store.profiles.get(workspaceId, message.payload.data.profile.id);
      const userId = profile?.identities.find((i) => i.kind === 'user_id')?.value;
      const email = profile?.identities.find((i) => i.kind === 'email')?.value;
      const payload = {
        ...message.payload,
        data: { ...message.payload.data, profile: { id: message.payload.data.profile.id, ...(userId ? { userId } : {}), ...(email ? { email } : {}) } },
      };
      const outcome = await sender.deliverJson(message.id, payload);
      return outcome.ok ? { ok: true } : outcome;
    },
    async setTraits(workspaceId: string, profileId: string, traits: Readonly<Record<string, unknown>>, messageId: string): Promise<ActionOutcome> {
      const profile = await options.store.profiles.get(workspaceId, profileId);
      if (!profile) return { ok: false, retryable: false, error: `profile ${profileId} does not exist` };
      const userId = profile.identities.find((i) => i.kind === 'user_id')?.value;
      const anonymousId = profile.identities.find((i) => i.kind === 'anonymous_id')?.value ?? profile.id;
      return options.identify(workspaceId, { type: 'identify', messageId, traits, ...(userId ? { userId } : { anonymousId }) });
    },
  };
}

/** Builds the workflow service and runtime, and starts the runtime. */
export async function startWorkflows(options: StartWorkflowsOptions): Promise<RunningWorkflows> {
  const runtime = new WorkflowRuntime({
    store: options.store,
    changeLog: options.changeLog,
    clock: options.clock,
    segments: options.segments,
    ports: workflowPorts(options),
    ...(options.log ? { log: options.log } : {}),
    ...(options.isActive ? { isActive: options.isActive } : {}),
  });
  const service = new WorkflowService({
    store: options.store,
    clock: options.clock,
    segments: options.segments,
    destinationNames: options.destinationNames,
    onChange: () => runtime.wake(),
  });
  await runtime.start();
  return { service, runtime, wake: () => runtime.wake(), stop: () => runtime.stop() };
}
