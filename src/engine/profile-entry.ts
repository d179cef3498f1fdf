import type { ProfileState } from './state/profile-state.js';

/**
 * What the engine holds for one profile between events: its compact state, and a write-through copy of its
 * current memberships (segment id → since) and pending timers (segment id → due), so that diffing needs no read.
 */
export interface ProfileEntry {
  readonly state: ProfileState;
  readonly members: Map<string, number>;
  readonly timers: Map<string, number>;
}
