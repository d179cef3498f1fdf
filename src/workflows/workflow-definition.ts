import type { Condition, EventSelector } from '../rules/index.js';

/** How a person enters a workflow: entering or leaving a segment, or performing an event. */
export type Trigger =
  | { readonly kind: 'entered'; readonly segment: string }
  | { readonly kind: 'exited'; readonly segment: string }
  | {
      readonly kind: 'event';
      /** The event name and optional `where` filter, as a rule-language selector. */
      readonly selector: EventSelector;
      /** `properties.cart_id` → `['cart_id']`: one run per person and key value (absent: one per person). */
      readonly key?: readonly string[];
    };

/** A rule of the segment rule language, with the text it was written as. */
export interface WorkflowRule {
  readonly text: string;
  readonly condition: Condition;
}

/** How long a `wait` step lasts: a duration, or until the next local time of day in the person's time zone. */
export type WaitSpec =
  | { readonly kind: 'for'; readonly ms: number; readonly text: string }
  | { readonly kind: 'until_time'; readonly hour: number; readonly minute: number; readonly text: string };

/** An action step's effect. `sends` actions are held by quiet hours and counted by the frequency cap. */
export type ActionSpec =
  | { readonly kind: 'webhook'; readonly destination: string }
  | { readonly kind: 'set_trait'; readonly traits: Readonly<Record<string, unknown>> }
  | { readonly kind: 'add_to_list' | 'remove_from_list'; readonly destination: string; readonly list: string };

/** One step of a workflow. Every step has an `id`, unique in the workflow, that `goto` and reports refer to. */
export type Step =
  | { readonly kind: 'wait'; readonly id: string; readonly wait: WaitSpec }
  | {
      readonly kind: 'wait_until';
      readonly id: string;
      /** Continue as soon as this holds… */
      readonly rule?: WorkflowRule;
      /** …or as soon as this event arrives (after the step began). Exactly one of `rule` / `event`. */
      readonly event?: EventSelector;
      readonly timeoutMs: number;
      /** Steps run when the timeout passes first; the run then continues after the `wait_until`. */
      readonly onTimeout: readonly Step[];
    }
  | { readonly kind: 'if'; readonly id: string; readonly rule: WorkflowRule; readonly then: readonly Step[]; readonly else: readonly Step[] }
  | { readonly kind: 'goto'; readonly id: string; readonly target: string }
  | { readonly kind: 'action'; readonly id: string; readonly action: ActionSpec }
  | { readonly kind: 'exit'; readonly id: string };

/** Whether a person who was in the workflow may enter it again. */
export type ReEntry = { readonly kind: 'never' } | { readonly kind: 'always' } | { readonly kind: 'after'; readonly ms: number };

/** Quiet hours: sending actions due inside [start, end) local time are held until `end`. */
export interface QuietHours {
  /** Minutes after local midnight. `start > end` spans midnight (21:00–08:00). */
  readonly startMinute: number;
  readonly endMinute: number;
}

/** At most `max` sending actions per person within any `withinMs`, counted across all workflows. */
export interface FrequencyCap {
  readonly max: number;
  readonly withinMs: number;
}

/** A validated workflow definition (see docs/workflows.md for the file format). */
export interface WorkflowDefinition {
  readonly name: string;
  readonly description: string;
  readonly trigger: Trigger;
  readonly steps: readonly Step[];
  readonly goal?: WorkflowRule;
  readonly exitWhen?: WorkflowRule;
  readonly reEntry: ReEntry;
  readonly quietHours?: QuietHours;
  readonly frequencyCap?: FrequencyCap;
  /** The workspace's time zone for this workflow: used when a person has no valid `traits.timezone`. */
  readonly timezone: string;
}

/** True for actions that send something to the person (held by quiet hours, counted by the frequency cap). */
export function isSending(action: ActionSpec): boolean {
  return action.kind !== 'set_trait';
}
