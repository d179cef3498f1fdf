import type { ProfileState } from '../state/profile-state.js';
import { traitsAt } from '../rules-api.js';
import type { CompiledRule } from './compiled-rule.js';

/**
 * What a compiled rule reads besides the profile state: other segments' compiled rules (for `in_segment`) and a
 * per-instant cache of the profile's traits, so that several trait conditions share one fold of the updates.
 */
export class EvalContext {
  private traitsT = NaN;
  private traitsValue: Readonly<Record<string, unknown>> = {};
  /** Segment names being expanded through `in_segment` (a reference closing a cycle is false, as in the reference). */
  readonly expanding: string[] = [];

  constructor(
    readonly state: ProfileState,
    readonly segments: ReadonlyMap<string, CompiledRule>,
  ) {}

  /** The profile's traits as of t (cached for the last t asked). */
  traits(t: number): Readonly<Record<string, unknown>> {
    if (t !== this.traitsT) {
      this.traitsValue = traitsAt(this.state.updatesHistory, t);
      this.traitsT = t;
    }
    return this.traitsValue;
  }
}
