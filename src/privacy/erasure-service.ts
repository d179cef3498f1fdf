import { err, identifierHash, newId, ok, type Clock, type IdentityKind, type Result } from '../core/index.js';
import { parseProfileReference, resolveProfileReference } from '../ingest/index.js';
import type { Repos, Store } from '../store/index.js';
import type { Erasure, ErasureKind } from './erasure.js';
import { ErasureRepoSql, type ErasureWork } from './erasure-repo-sql.js';
import { purgePersonalData } from './personal-data-tables.js';
import { purgePlanData } from './purge-plan-data.js';

/**
 * Writes the `erased` exits of profiles and runs a deletion in the same fenced transaction: the engine
 * (`Engine.erase`). A port so this module does not depend on the engine's internals.
 */
export interface ErasureWriter {
  erase(workspaceId: string, profileIds: readonly string[], purge: (tx: Repos) => Promise<void>): Promise<{ exits: number; lastSeq: number }>;
}

/** Why a request was refused (nothing was recorded). */
export type ErasureRequestError =
  | { readonly kind: 'not_found'; readonly refs: readonly string[] }
  | { readonly kind: 'not_an_identifier'; readonly ref: string };

/** What a request recorded, and which of its references named nobody (not stored anywhere). */
export interface ErasureReceipt {
  readonly erasure: Erasure;
  readonly notFound: readonly string[];
}

/** How the service is built. */
export interface ErasureServiceOptions {
  readonly store: Store;
  readonly writer: ErasureWriter;
  readonly clock: Clock;
  /**
   * How long an erasure waits at most for destinations to read the exits and deliver the person's pending
   * messages before their data is deleted anyway (default 24 h).
   */
  readonly graceMs?: number;
  /** Failures of a background step (it is retried at the next run). */
  readonly onError?: (error: unknown) => void;
}

const DEFAULT_GRACE_MS = 24 * 3_600_000;

/**
 * Erasure and suppression of people (GDPR Art. 17, CCPA deletion), in stages an operator can follow:
 *
 * 1. The request resolves each reference with the shared resolver (id, `user_id:`, `anonymous_id:`, `email:`),
 *    follows merges to every profile of the person, records the erasure and the tombstones (SHA-256 hashes of
 *    each identifier) in one transaction: from that commit on, ingestion drops messages naming them.
 * 2. The engine writes every membership's exit (cause `erased`) and, in the same transaction, deletes the
 *    person's history (events, scores, experiment rows): nothing can re-enter them.
 * 3. Once every enabled destination has read the exits and no delivery about them is pending (or after the
 *    grace period), everything else goes in one transaction — profile, identities, timers, memberships,
 *    workflow runs, deliveries and dead letters — and the change log keeps its rows under a pseudonym.
 *    Destinations need stage 3 to wait: an exit's payload carries the email an ESP list removes.
 * 4. The database's files are scrubbed (SQLite: deleted bytes are zeroed by `secure_delete`; the WAL is
 *    checkpointed and truncated).
 *
 * `DELETE` drops its tombstones at the end (later messages start a new profile); `SUPPRESS_WITH_DELETE` keeps
 * them. `SUPPRESS` and `UNSUPPRESS` only add or remove tombstones.
 */
export class ErasureService {
  private readonly repo: ErasureRepoSql;
  private readonly graceMs: number;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ErasureServiceOptions) {
    this.repo = new ErasureRepoSql(options.store.sql);
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** Records a request over `refs` and runs it as far as it can go now. */
  async request(workspaceId: string, kind: ErasureKind, refs: readonly string[]): Promise<Result<ErasureReceipt, ErasureRequestError>> {
    const { store, clock } = this.options;
    const profileIds = new Set<string>();
    const hashes = new Set<string>();
    const notFound: string[] = [];
    for (const ref of refs) {
      const survivor = await resolveProfileReference(store.profiles, workspaceId, ref);
      if (survivor !== undefined) {
        for (const id of await this.personOf(workspaceId, survivor)) profileIds.add(id);
        continue;
      }
      if (kind === 'SUPPRESS' || kind === 'UNSUPPRESS') {
        // Suppressing (or releasing) an identifier nobody holds yet is allowed: hash it as given.
        const direct = identifiersOfRef(ref);
        if (direct === undefined) return err({ kind: 'not_an_identifier', ref });
        for (const [k, v] of direct) hashes.add(identifierHash(workspaceId, k, v));
        continue;
      }
      notFound.push(ref);
    }
    if (profileIds.size === 0 && hashes.size === 0) return err({ kind: 'not_found', refs: notFound });
    for (const id of profileIds) {
      const profile = await store.profiles.get(workspaceId, id);
      for (const i of profile?.identities ?? []) hashes.add(identifierHash(workspaceId, i.kind, i.value));
    }
    const now = clock.now();
    const id = newId('era');
    const deletes = kind === 'SUPPRESS_WITH_DELETE' || kind === 'DELETE';
    const work: ErasureWork = {
      id,
      workspaceId,
      kind,
      status: deletes ? 'exiting' : 'completed',
      profileIds: deletes ? [...profileIds] : [],
      pseudonym: `erased:${id}`,
      profiles: profileIds.size,
      identifiers: hashes.size,
      exits: 0,
      exitSeq: 0,
      deleted: {},
      dropped: 0,
      detail: null,
      createdAt: now,
      updatedAt: now,
      deadlineAt: now + this.graceMs,
      completedAt: deletes ? null : now,
    };
    await store.transaction(async (tx) => {
      const repo = new ErasureRepoSql(tx.sql);
      await repo.insert(work);
      if (kind === 'UNSUPPRESS') await repo.untombstone(workspaceId, [...hashes]);
      // A DELETE suppresses too while it runs (its tombstones go when it completes): a message arriving
      // mid-erasure would otherwise re-create part of the person behind the deletion.
      else await repo.tombstone(workspaceId, id, [...hashes], kind !== 'DELETE', now);
    });
    // Recorded and suppressing from here on: a step that cannot run now (a standby engine, a failure) is left
    // to the worker, and the answer shows the erasure where it stands.
    if (deletes) await this.advanceOne(work).catch((error: unknown) => this.options.onError?.(error));
    return ok({ erasure: publicView((await this.repo.get(workspaceId, id)) ?? work), notFound });
  }

  /** One erasure, as reported by the API. */
  async get(workspaceId: string, id: string): Promise<Erasure | undefined> {
    const e = await this.repo.get(workspaceId, id);
    return e === undefined ? undefined : publicView(e);
  }

  /** The newest erasures of a workspace. */
  async list(workspaceId: string, limit: number): Promise<Erasure[]> {
    return (await this.repo.list(workspaceId, limit)).map(publicView);
  }

  /** Moves every open erasure on as far as it can go now (the worker's tick). Runs one at a time. */
  runOpen(): Promise<void> {
    const run = this.running.catch(() => undefined).then(async () => {
      for (const e of await this.repo.open(100)) {
        try {
          await this.advanceOne(e);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    });
    this.running = run;
    return run;
  }

  private async advanceOne(e: ErasureWork): Promise<void> {
    let current: ErasureWork | undefined = e;
    for (let step = 0; step < 4 && current !== undefined && current.status !== 'completed'; step++) {
      const before: string = current.status;
      await this.step(current);
      current = await this.repo.get(e.workspaceId, e.id);
      if (current === undefined || current.status === before) return;
    }
  }

  private async step(e: ErasureWork): Promise<void> {
    const { store, writer, clock } = this.options;
    switch (e.status) {
      case 'exiting': {
        const { exits, lastSeq } = await writer.erase(e.workspaceId, e.profileIds, async (tx) => {
          const deleted = await purgePersonalData(tx.sql, e.workspaceId, e.profileIds, 'history', e.pseudonym);
          await new ErasureRepoSql(tx.sql).update(e.id, { status: 'exiting', deleted, detail: null, now: clock.now() });
        });
        // Written after the transaction: if this write is lost, the next run repeats a stage that is now a no-op.
        await this.repo.update(e.id, { status: 'waiting', exits, exitSeq: lastSeq, detail: null, now: clock.now() });
        return;
      }
      case 'waiting': {
        const now = clock.now();
        const behind = e.exitSeq > 0 ? await this.repo.destinationsBehind(e.workspaceId, e.exitSeq) : 0;
        const pending = await this.repo.pendingDeliveries(e.workspaceId, e.profileIds);
        if ((behind > 0 || pending > 0) && now < e.deadlineAt) {
          const detail = `waiting for ${behind} destination(s) to read the exits and ${pending} pending deliver${pending === 1 ? 'y' : 'ies'} (until ${new Date(e.deadlineAt).toISOString()})`;
          if (detail !== e.detail) await this.repo.update(e.id, { status: 'waiting', detail, now });
          return;
        }
        await store.transaction(async (tx) => {
          // The tracking plan's quarantine and samples are matched by identifiers: before the identities go.
          const planRemoved = await purgePlanData(tx.sql, e.workspaceId, e.profileIds);
          const removed = { ...planRemoved, ...(await purgePersonalData(tx.sql, e.workspaceId, e.profileIds, 'final', e.pseudonym)) };
          const deleted = { ...e.deleted };
          for (const [table, n] of Object.entries(removed)) deleted[table] = (deleted[table] ?? 0) + n;
          const repo = new ErasureRepoSql(tx.sql);
          if (e.kind === 'DELETE') await repo.dropUnsuppressed(e.id);
          await repo.update(e.id, { status: 'scrubbing', deleted, profileIds: [], detail: null, now });
        });
        return;
      }
      case 'scrubbing': {
        const done = await store.sql.dialect.scrubFreedSpace(store.sql);
        await this.repo.update(e.id, {
          status: done ? 'completed' : 'scrubbing',
          detail: done ? null : 'the SQLite WAL could not be truncated yet (a reader held it); retried',
          now: clock.now(),
        });
        return;
      }
      case 'completed':
        return;
    }
  }

  /** The survivor and every profile merged into it, directly or through others. */
  private async personOf(workspaceId: string, survivor: string): Promise<string[]> {
    const out = [survivor];
    for (let i = 0; i < out.length; i++) {
      for (const id of await this.options.store.profiles.mergedInto(workspaceId, out[i] as string)) if (!out.includes(id)) out.push(id);
    }
    return out;
  }
}

/** The identifiers a reference names by itself: `user_id:`, `anonymous_id:`, `email:`, or a bare id (either). */
function identifiersOfRef(ref: string): Array<readonly [IdentityKind, string]> | undefined {
  const parsed = parseProfileReference(ref);
  switch (parsed.kind) {
    case 'identity':
      return parsed.value === '' ? undefined : [[parsed.identity, parsed.value]];
    case 'bare':
      return [
        ['user_id', parsed.value],
        ['anonymous_id', parsed.value],
      ];
    case 'profile_id':
      return undefined;
  }
}

function publicView(e: ErasureWork): Erasure {
  const { profileIds: _ids, pseudonym: _p, ...rest } = e;
  return rest;
}
