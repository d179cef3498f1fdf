import type { Clock } from '../core/index.js';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from '../destinations/index.js';
import type { Store } from '../store/index.js';
import { ActionRepoSql, type ActionRecord } from './action-repo-sql.js';
import { WorkflowRepoSql } from './workflow-repo-sql.js';

/** Actions performed concurrently within one batch (webhook calls in flight at once). */
const SENDS_IN_FLIGHT = 32;

/** The outcome of performing an action once. Failures say whether trying again can help. */
export type ActionOutcome = { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly error: string; readonly retryAfterMs?: number };

/** The JSON body of a workflow webhook (Standard Webhooks style: `type`, `timestamp`, `data`). */
export interface WorkflowWebhookPayload {
  readonly type: 'workflow.step';
  /** When the action was due (ISO 8601); identical on every retry. */
  readonly timestamp: string;
  readonly data: {
    readonly workflow: { readonly id: string; readonly name: string; readonly version: number };
    readonly step: { readonly id: string };
    readonly run: { readonly id: string };
    readonly profile: { readonly id: string };
    /** The stable idempotency id: also the `webhook-id` header. Receivers deduplicate on it. */
    readonly idempotencyId: string;
    readonly at: string;
  };
}

/**
 * How actions reach the world, implemented by the app: webhooks through a registered destination (signed per
 * Standard Webhooks, `webhook-id` = the idempotency id), traits through ingestion (an `identify` whose messageId is
 * the idempotency id, so ingestion's dedupe makes a resend a no-op).
 */
export interface ActionPorts {
  webhook(workspaceId: string, destination: string, message: { readonly id: string; readonly payload: WorkflowWebhookPayload }): Promise<ActionOutcome>;
  setTraits(workspaceId: string, profileId: string, traits: Readonly<Record<string, unknown>>, messageId: string): Promise<ActionOutcome>;
  /**
   * Puts the person on (`add`) or takes them off a list of an ESP destination (`add_to_list` / `remove_from_list`);
   * `list` '' means the destination's own. Absent where no ESP destinations are wired: those steps then fail.
   */
  listMember?(workspaceId: string, destination: string, change: { readonly add: boolean; readonly list: string; readonly profileId: string; readonly messageId: string }): Promise<ActionOutcome>;
}

/** Options of the {@link ActionSender}. */
export interface ActionSenderOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ports: ActionPorts;
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
  /** Actions claimed per pass (default 100). */
  readonly batchSize?: number;
  /** How long a claimed action is reserved for the claiming process (default 60 s). */
  readonly leaseMs?: number;
}

/**
 * Performs the actions in the outbox: at least once each (a crash between performing and recording it performs it
 * again, with the same idempotency id, which the receiver or ingestion deduplicates), retried with the
 * destinations' backoff policy, `failed` after the policy's attempts or age. Claims are short transactions that
 * push the action's next attempt a lease ahead, so several processes share the outbox without sending one action
 * concurrently; the network call happens outside any transaction.
 */
export class ActionSender {
  private readonly policy: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: ActionSenderOptions) {
    this.policy = options.policy ?? defaultRetryPolicy;
    this.random = options.random ?? Math.random;
  }

  /** The next instant a pending action is due, if any. */
  async nextDue(): Promise<number | undefined> {
    const rows = await this.options.store.sql.query<{ due: unknown }>("SELECT MIN(next_attempt_at) AS due FROM workflow_actions WHERE status = 'pending'");
    const due = rows[0]?.due;
    return due === null || due === undefined ? undefined : Number(due);
  }

  /** How long a claimed action is reserved for the process that claimed it. */
  get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  /** Claims and performs the due actions; returns how many were attempted. */
  async sendDue(): Promise<number> {
    const { store, clock } = this.options;
    const now = clock.now();
    const claimed = await store.transaction(async (tx) => {
      const repo = new ActionRepoSql(tx.sql);
      const due = await repo.claimDue(now, this.options.batchSize ?? 100);
      await repo.postponeMany(
        due.map((a) => a.id),
        now + this.leaseMs,
      );
      return due;
    });
    return this.performClaimed(claimed);
  }

  /**
   * Performs actions this process has already claimed (their `next_attempt_at` pushed a lease ahead in a committed
   * transaction) and records the outcomes; returns how many were attempted. The runtime hands over the actions a
   * batch of runs produced this way, inserted already claimed, so that they go out right after that batch commits
   * instead of being read back from the outbox; a crash before the outcomes are recorded leaves them pending, and
   * they are performed again (same ids) when the lease ends.
   */
  async performClaimed(claimed: readonly ActionRecord[]): Promise<number> {
    if (claimed.length === 0) return 0;
    const { store, clock } = this.options;
    const names = new Map<string, string>();
    const outcomes: { action: ActionRecord; outcome: ActionOutcome; at: number }[] = [];
    // Performed SENDS_IN_FLIGHT at a time: a slow receiver delays its own calls, not the whole batch.
    for (let i = 0; i < claimed.length; i += SENDS_IN_FLIGHT) {
      const chunk = claimed.slice(i, i + SENDS_IN_FLIGHT);
      const done = await Promise.all(chunk.map(async (a) => ({ action: a, outcome: await this.perform(a, names), at: clock.now() })));
      outcomes.push(...done);
    }
    // One transaction for all the records: a crash before it commits only means these are performed again (same ids).
    await store.transaction(async (tx) => {
      const repo = new ActionRepoSql(tx.sql);
      const sentAt = new Map<number, string[]>();
      for (const { action: a, outcome, at } of outcomes) {
        if (outcome.ok) sentAt.set(at, [...(sentAt.get(at) ?? []), a.id]);
        else if (!outcome.retryable || a.attempts + 1 >= this.policy.maxAttempts || at - a.dueAt >= this.policy.maxAgeMs) await repo.markFailed(a.id, outcome.error);
        else await repo.markRetry(a.id, at + backoffDelay(a.attempts + 1, this.policy, this.random, outcome.retryAfterMs), outcome.error);
      }
      for (const [at, ids] of sentAt) await repo.markSentMany(ids, at);
    });
    return claimed.length;
  }

  private async perform(a: ActionRecord, names: Map<string, string>): Promise<ActionOutcome> {
    const { ports, store } = this.options;
    try {
      if (a.kind === 'set_trait') {
        const traits = (a.payload as { traits?: Record<string, unknown> }).traits ?? {};
        return await ports.setTraits(a.workspaceId, a.profileId, traits, a.id);
      }
      if (a.kind === 'add_to_list' || a.kind === 'remove_from_list') {
        if (ports.listMember === undefined) return { ok: false, retryable: false, error: 'no ESP list destinations in this process' };
        const list = (a.payload as { list?: string }).list ?? '';
        return await ports.listMember(a.workspaceId, a.target, { add: a.kind === 'add_to_list', list, profileId: a.profileId, messageId: a.id });
      }
      let name = names.get(a.workflowId);
      if (name === undefined) {
        name = (await new WorkflowRepoSql(store.sql).byId(a.workflowId))?.name ?? a.workflowId;
        names.set(a.workflowId, name);
      }
      const at = new Date(a.dueAt).toISOString();
      return await ports.webhook(a.workspaceId, a.target, {
        id: a.id,
        payload: {
          type: 'workflow.step',
          timestamp: at,
          data: {
            workflow: { id: a.workflowId, name, version: a.version },
            step: { id: a.stepId },
            run: { id: a.runId },
            profile: { id: a.profileId },
            idempotencyId: a.id,
            at,
          },
        },
      });
    } catch (error) {
      return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
