import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineRepos } from '../engine-repos.js';
import type { HeldLease } from './lease-repo-sql.js';

/** How an engine takes its lease. */
export interface EngineLeaseOptions {
  /** How long a lease lasts without renewal: the longest a standby waits after its holder died (default 10 s). */
  readonly ttlMs?: number;
  /** Who holds it, as shown in the lease row (default `hostname:pid:random`). */
  readonly holder?: string;
}

/** Thrown by a commit whose lease was taken over: the engine stops writing and becomes a standby. */
export class LeaseLostError extends Error {
  constructor(name: string) {
    super(`the engine lease "${name}" was taken over by another process; this engine is now a standby`);
    this.name = 'LeaseLostError';
  }
}

/**
 * One engine's claim on the lease of its cursor: acquire, renew (the heartbeat), fence each commit, release.
 * Holds no timer itself: the driver schedules the heartbeat on its injected clock.
 */
export class EngineLease {
  readonly ttlMs: number;
  readonly holder: string;
  private held: HeldLease | undefined;

  constructor(
    readonly name: string,
    options: EngineLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** How often the holder renews (a third of the lease time: two renewals may fail before it lapses). */
  get renewEveryMs(): number {
    return Math.max(1, Math.floor(this.ttlMs / 3));
  }

  /** Whether this engine holds the lease (as far as it knows: a takeover is noticed at the next renew or commit). */
  get isHeld(): boolean {
    return this.held !== undefined;
  }

  /** The fencing epoch of the lease held, if held. */
  get epoch(): number | undefined {
    return this.held?.epoch;
  }

  /** Takes the lease if it is free or expired; true when held. */
  async acquire(repos: EngineRepos, now: number): Promise<boolean> {
    this.held ??= await repos.lease.acquire(this.name, this.holder, now, now + this.ttlMs);
    return this.held !== undefined;
  }

  /** Extends the lease; false (and no longer held) when another process took it over. */
  async renew(repos: EngineRepos, now: number): Promise<boolean> {
    if (this.held === undefined) return false;
    if (await repos.lease.renew(this.held, now + this.ttlMs)) return true;
    this.held = undefined;
    return false;
  }

  /** The fencing check of a commit, inside its transaction; throws {@link LeaseLostError} when taken over. */
  async fence(tx: EngineRepos): Promise<void> {
    if (this.held !== undefined && (await tx.lease.fence(this.held))) return;
    this.held = undefined;
    throw new LeaseLostError(this.name);
  }

  /** Forgets the lease locally (after a failed commit). */
  drop(): void {
    this.held = undefined;
  }

  /** Gives the lease up so a standby takes over at once. */
  async release(repos: EngineRepos, now: number): Promise<void> {
    if (this.held === undefined) return;
    const held = this.held;
    this.held = undefined;
    await repos.lease.release(held, now);
  }
}
