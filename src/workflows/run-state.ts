import type { HistoryEvent } from '../rules/index.js';

/** Why a run ended. */
export type ExitCause = 'completed' | 'goal' | 'exit_when' | 'exit_step' | 'archived' | 'loop_guard' | 'merged';

/** What a run is waiting for, when it is not running. */
export type RunWait =
  | { readonly kind: 'timer'; readonly until: number }
  | { readonly kind: 'until'; readonly timeoutAt: number; readonly since: number }
  /** A sending action held by quiet hours: it runs at `until`. */
  | { readonly kind: 'quiet'; readonly until: number };

/** The durable state of one person's run through one workflow version. Plain JSON. */
export interface RunState {
  readonly status: 'active' | 'ended';
  /** The instruction the run is at (waiting at, or about to run). */
  readonly pc: number;
  readonly wait?: RunWait;
  /** Instructions executed so far: makes every action's idempotency id unique within the run, also in loops. */
  readonly executed: number;
  readonly exitCause?: ExitCause;
  /** The instant the run last advanced (inputs older than this are taken at this instant). */
  readonly at: number;
}

/** What makes a run advance: its start, its timer, an event of the person, or any other change of the person. */
export type RunInput =
  | { readonly kind: 'start'; readonly at: number }
  | { readonly kind: 'timer'; readonly at: number }
  | { readonly kind: 'event'; readonly at: number; readonly event: HistoryEvent }
  | { readonly kind: 'update'; readonly at: number };

/** What an action does: call a webhook, set traits, or put the person on / take them off an ESP list. */
export type ActionKind = 'webhook' | 'set_trait' | 'add_to_list' | 'remove_from_list';

/** An action the run asks for, with its stable idempotency id (the webhook-id downstream). */
export interface PlannedAction {
  readonly id: string;
  readonly stepId: string;
  readonly kind: ActionKind;
  /** The destination name (webhook, ESP list steps) or '' (set_trait). */
  readonly target: string;
  readonly traits?: Readonly<Record<string, unknown>>;
  /** The list of an `add_to_list` / `remove_from_list` step ('' = the destination's own list). */
  readonly list?: string;
  /** The instant the action was due. */
  readonly at: number;
}

/** One evaluated value recorded for a branch: a sub-condition's text and its value at the step's instant. */
export interface EvaluatedValue {
  readonly text: string;
  readonly value: boolean;
}

/** One entry of a run's path: which step did what, at which instant, and for branches why. */
export interface StepRecord {
  readonly stepId: string;
  readonly at: number;
  readonly outcome:
    | 'entered'
    | 'waiting'
    | 'waited'
    | 'satisfied'
    | 'timed_out'
    | 'then'
    | 'else'
    | 'goto'
    | 'action'
    | 'held'
    | 'capped'
    | 'exited'
    | 'completed';
  /** For branches and waits on a rule: the rule and its evaluated values. For exits: the cause. */
  readonly rule?: string;
  readonly values?: readonly EvaluatedValue[];
  readonly cause?: ExitCause;
}

/** What advancing a run produced: its new state, the actions to perform, its path entries, and when to wake it. */
export interface Advance {
  readonly state: RunState;
  readonly actions: readonly PlannedAction[];
  readonly records: readonly StepRecord[];
  /** The next instant the run must be advanced by time alone (undefined: only an input can change it). */
  readonly wakeAt?: number;
}

/** The state of a run that has not started yet. */
export function initialRunState(at: number): RunState {
  return { status: 'active', pc: 0, executed: 0, at };
}
