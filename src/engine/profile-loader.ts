import type { StoredEvent } from '../core/index.js';
import type { EngineRepos } from './engine-repos.js';
import type { ProfileCache } from './profile-cache.js';
import type { ProfileEntry } from './profile-entry.js';
import { historyItemsOf } from './state/history-from-events.js';
import { ProfileState } from './state/profile-state.js';
import { SmallMap } from './state/small-map.js';
import type { WorkspaceRules } from './workspace-rules.js';

/** A profile to have in memory: which workspace and which profile. */
export interface ProfileKey {
  readonly workspaceId: string;
  readonly profileId: string;
}

/**
 * Builds the engine's profile entries that are not in its cache, from the store: the state folded from the
 * profile's history up to a log position, and its stored memberships and timers. Entries are cached as built.
 */
export class ProfileLoader {
  constructor(
    private readonly cache: ProfileCache,
    private readonly repos: EngineRepos,
    /** The partition the engine follows, if one: its own events are read up to the cursor, merged-in ones whole. */
    private readonly partition?: number,
  ) {}

  /**
   * Builds the entries of the given profiles that are not cached, with one read per table and workspace, from
   * the log up to `uptoSeq` (the cursor: a batch's own events are then applied one by one). Returns the built
   * entries by profile id. Profiles of workspaces without rules are skipped.
   */
  async preload(rules: ReadonlyMap<string, WorkspaceRules>, keys: Iterable<ProfileKey>, uptoSeq: number): Promise<Map<string, ProfileEntry>> {
    const missing = new Map<string, Set<string>>();
    for (const k of keys) {
      if (!rules.has(k.workspaceId) || this.cache.get(k.profileId) !== undefined) continue;
      const set = missing.get(k.workspaceId) ?? new Set<string>();
      set.add(k.profileId);
      missing.set(k.workspaceId, set);
    }
    const out = new Map<string, ProfileEntry>();
    for (const [workspaceId, set] of missing) {
      const ws = rules.get(workspaceId) as WorkspaceRules;
      const ids = [...set];
      const histories = await this.repos.events.historiesOf(workspaceId, ids, uptoSeq, this.partition);
      const memberships = await this.repos.membership.membershipsOfMany(ids);
      const timers = await this.repos.timers.ofProfiles(ids);
      for (const id of ids) {
        const entry = this.build(ws, id, histories.get(id) ?? [], uptoSeq, memberships.get(id), timers.get(id) ?? new Map());
        out.set(id, entry);
      }
    }
    return out;
  }

  /** Builds one profile's entry from the log (events up to `uptoSeq`) and its stored memberships and timers. */
  async load(ws: WorkspaceRules, profileId: string, uptoSeq: number): Promise<ProfileEntry> {
    const histories = await this.repos.events.historiesOf(ws.workspaceId, [profileId], uptoSeq, this.partition);
    const members = await this.repos.membership.membershipsOf(profileId);
    const timers = await this.repos.timers.ofProfile(profileId);
    return this.build(ws, profileId, histories.get(profileId) ?? [], uptoSeq, members, timers);
  }

  private build(
    ws: WorkspaceRules,
    profileId: string,
    events: readonly StoredEvent[],
    uptoSeq: number,
    stored: ReadonlyMap<string, number> | undefined,
    timers: ReadonlyMap<string, number>,
  ): ProfileEntry {
    const state = new ProfileState(ws.workspaceId, profileId, ws.spec);
    for (const e of events) state.apply(e.seq, historyItemsOf(e));
    // A partition's engine reads events merged in from other partitions whatever their seq, which may exceed its
    // cursor while events of its own partition between the cursor and that seq are still to come: its watermark
    // is its cursor (merged-in events are never read from its own log again, so none is applied twice).
    state.seq = this.partition === undefined ? Math.max(state.seq, uptoSeq) : uptoSeq;
    // Memberships of segments no longer live are ignored (a deletion's exits are the segment service's). Keys
    // are the live segments' own id strings, not the fresh copies read from the store (one less string each).
    const members = new SmallMap<string, number>();
    for (const [s, since] of stored ?? []) {
      const live = ws.byId.get(s);
      if (live !== undefined) members.set(live.segment.id, since);
    }
    const armed = new SmallMap<string, number>();
    for (const [s, due] of timers) armed.set(ws.byId.get(s)?.segment.id ?? s, due);
    const entry: ProfileEntry = { state, members, timers: armed };
    this.cache.set(profileId, entry);
    return entry;
  }
}
