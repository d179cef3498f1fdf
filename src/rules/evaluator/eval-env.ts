import type { Condition } from '../ast/index.js';

/** What a rule may refer to beyond the profile's own history. */
export interface EvalEnv {
  /** Other segments' rules by name, for `in_segment("…")`. An unknown name is simply false. */
  readonly segments?: ReadonlyMap<string, Condition>;
}
