import { MembershipRepoSql } from '../membership/index.js';
import type { EventRepo, ProfileRepo, Repos, Store } from '../store/index.js';
import { BackfillRepoSql } from './backfill/backfill-repo-sql.js';
import { CursorRepoSql } from './cursor-repo-sql.js';
import { LeaseRepoSql } from './lease/lease-repo-sql.js';
import { SegmentRepoSql } from './segment-repo-sql.js';
import { TimerRepoSql } from './timers/timer-repo-sql.js';

/**
 * Everything the engine reads and writes, as one port: the store's event log and profiles, plus the engine's
 * own tables (membership, timers, cursor, segments, lease, backfills). The engine names no table and builds no
 * repository itself: it takes this, bound either to the store's connection ({@link engineReposOf} of the store)
 * or to one transaction ({@link inEngineTransaction}), so a partition filter or another backend goes here.
 */
export interface EngineRepos {
  readonly events: EventRepo;
  readonly profiles: ProfileRepo;
  readonly membership: MembershipRepoSql;
  readonly timers: TimerRepoSql;
  readonly cursor: CursorRepoSql;
  readonly segments: SegmentRepoSql;
  readonly lease: LeaseRepoSql;
  /** Background backfills' checkpoint rows. */
  readonly backfills: BackfillRepoSql;
}

/** The engine's repositories over `repos`' executor (the store's, or a transaction's). */
export function engineReposOf(repos: Repos): EngineRepos {
  return {
    events: repos.events,
    profiles: repos.profiles,
    membership: new MembershipRepoSql(repos.sql),
    timers: new TimerRepoSql(repos.sql),
    cursor: new CursorRepoSql(repos.sql),
    segments: new SegmentRepoSql(repos.sql),
    lease: new LeaseRepoSql(repos.sql),
    backfills: new BackfillRepoSql(repos.sql),
  };
}

/** Runs `fn` in one store transaction with the engine's repositories built once for it. */
export function inEngineTransaction<T>(store: Store, fn: (repos: EngineRepos) => Promise<T>): Promise<T> {
  return store.transaction((tx) => fn(engineReposOf(tx)));
}
