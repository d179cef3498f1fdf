import type { MapLike } from './state/small-map.js';
import type { ProfileState } from './state/profile-state.js';

/**
 * What the engine holds for one profile between events: its compact state, and a write-through copy of its
 * current memberships (segment id → since) and pending timers (segment id → due), so that diffing needs no read.
 * The engine's loader builds them as `SmallMap`s keyed by the live segments' own id strings (a profile has a few of each).
 */
export interface ProfileEntry {
  readonly state: ProfileState;
  readonly members: MapLike<string, number>;
  readonly timers: MapLike<string, number>;
}
