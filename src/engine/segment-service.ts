import type { Member, Segment } from '../core/index.js';

/** What a caller gives to create or update a segment. `rule` is rule text or the canonical JSON form. */
export interface SegmentInput {
  readonly name: string;
  readonly rule: string | { readonly version: number; readonly condition: unknown };
  readonly description?: string;
  readonly group?: string | null;
  readonly priority?: number;
}

/** One rule diagnostic as the API returns it (see src/rules diagnostics). */
export interface RuleProblem {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly length?: number;
}

/** Expected failures of segment operations, as values. */
export type SegmentFailure =
  | { readonly kind: 'invalid_rule'; readonly diagnostics: readonly RuleProblem[] }
  | { readonly kind: 'name_taken'; readonly name: string }
  | { readonly kind: 'not_found'; readonly id: string }
  /** Deleting would silently empty segments that read this one through `in_segment`: their names. */
  | { readonly kind: 'has_dependents'; readonly name: string; readonly dependents: readonly string[] };

/** A result: the value, or an expected failure. */
export type SegmentResult<T> = { readonly ok: true; readonly value: T; readonly warnings: readonly RuleProblem[] } | { readonly ok: false; readonly error: SegmentFailure };

/** What saving a rule would do, computed over the stored history without saving. */
export interface DryRunResult {
  readonly size: number;
  /** Profiles that would enter / leave compared with the current version (all members are "entered" for a new segment). */
  readonly entered: number;
  readonly exited: number;
  readonly sampleEntered: readonly string[];
  readonly sampleExited: readonly string[];
  readonly warnings: readonly RuleProblem[];
  /** The evaluation instant. */
  readonly at: number;
}

/** A page of members. `next` is the cursor for the following page, null at the end. */
export interface MemberPage {
  readonly members: readonly Member[];
  readonly next: string | null;
  readonly total: number;
}

/** Why a profile is or is not in a segment now: the explanation tree of the rule (src/rules `explain`). */
export interface SegmentExplanation {
  readonly segmentId: string;
  readonly profileId: string;
  readonly at: number;
  readonly member: boolean;
  /** Set when an exclusive group overrides the rule's own value. */
  readonly excludedBy?: string;
  readonly explanation: unknown;
}

/** How a segment change is made. */
export interface ChangeOptions {
  /**
   * Wait for the backfill the change starts to finish (default true). With false the call returns once the
   * segment is saved; {@link SegmentService.backfill} then tells how far the backfill is.
   */
  readonly wait?: boolean;
}

/** Where a segment's background backfill stands: `done` / `total` count stored events of the workspace. */
export interface BackfillStatus {
  readonly state: 'running' | 'done';
  /** The segment version being (or last) backfilled. */
  readonly version: number;
  readonly done: number;
  readonly total: number;
  readonly startedAt: number;
  readonly updatedAt: number;
}

/**
 * Segment administration backed by the engine: saving backfills over the stored history and records the diff
 * as membership changes; updating makes a new version; deleting exits every member.
 */
export interface SegmentService {
  list(workspaceId: string): Promise<Segment[]>;
  /** Every segment's name by id, deleted segments included (under their last name): what old changes show. */
  names(workspaceId: string): Promise<Map<string, string>>;
  /** By id or by name. */
  get(workspaceId: string, idOrName: string): Promise<Segment | undefined>;
  create(workspaceId: string, input: SegmentInput, options?: ChangeOptions): Promise<SegmentResult<Segment>>;
  update(workspaceId: string, idOrName: string, input: SegmentInput, options?: ChangeOptions): Promise<SegmentResult<Segment>>;
  /**
   * Deletes a segment. Refused (`has_dependents`) while other segments read it through `in_segment`, unless
   * `cascade` is set: they then see it as empty (their members that needed it exit, cause `dependency`).
   */
  delete(workspaceId: string, idOrName: string, options?: { readonly cascade?: boolean } & ChangeOptions): Promise<SegmentResult<Segment>>;
  /** The segment's last backfill (running or done), if it had one. */
  backfill(workspaceId: string, idOrName: string): Promise<BackfillStatus | undefined>;
  /** Size and diff of `input` against the current version of the segment with the same name (if any). */
  dryRun(workspaceId: string, input: SegmentInput): Promise<SegmentResult<DryRunResult>>;
  members(workspaceId: string, idOrName: string, page: { after?: string; limit: number }): Promise<SegmentResult<MemberPage>>;
  explain(workspaceId: string, idOrName: string, profileRef: string): Promise<SegmentResult<SegmentExplanation>>;
}
