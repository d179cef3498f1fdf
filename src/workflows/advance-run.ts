import { assertNever } from '../core/index.js';
import type { Condition, EvalEnv, ExplainNode, ProfileHistory } from '../rules/index.js';
import { evaluate, explain, getPath, matchesSelector, nextChange, traitsAt } from '../rules/index.js';
import type { Program } from './compile-program.js';
import { isValidTimeZone, nextLocalTime, quietUntil } from './local-time.js';
import type { Advance, EvaluatedValue, ExitCause, PlannedAction, RunInput, RunState, StepRecord } from './run-state.js';
import { isSending, type WorkflowDefinition } from './workflow-definition.js';

/** What the machine may read about the person and the world at the step's instant. All pure data. */
export interface RunContext {
  readonly runId: string;
  /** The person's history (events, traits, …): rules are evaluated over it with the reference semantics. */
  readonly history: ProfileHistory;
  /** The workspace's segments by name, for `in_segment` inside workflow rules. */
  readonly env?: EvalEnv;
  /** Instants of this person's earlier sending actions, across all workflows (for the frequency cap). */
  readonly sends?: readonly number[];
}

/** Instructions one advance may execute before the run is stopped: only a bug gets here (loops must wait). */
export const STEP_BUDGET = 10_000;
const VALUES_CAP = 16;

/** The person's time zone at t: `traits.timezone` when it names a valid zone, else the workflow's. */
export function personZone(definition: WorkflowDefinition, history: ProfileHistory, t: number): string {
  const zone = getPath(traitsAt(history, t), ['timezone']);
  return isValidTimeZone(zone) ? zone : definition.timezone;
}

function values(node: ExplainNode, out: EvaluatedValue[] = []): EvaluatedValue[] {
  if (out.length >= VALUES_CAP) return out;
  out.push({ text: node.text, value: node.value });
  for (const c of node.children) values(c, out);
  return out;
}

/**
 * The workflow executor's pure core: given a run's state, one input and the person's history, the run's next
 * state, the actions it asks for, the path entries it adds and when it must next wake by time alone.
 *
 * Semantics, all at the input's instant `now` (never earlier than the run's last instant):
 * 1. `goal`, then `exit_when`, are evaluated first: either holding ends the run (cause `goal` / `exit_when`),
 *    also in the middle of a wait, so exits take effect at their instant.
 * 2. A waiting run checks its wait: a `wait` ends at its instant; `wait_until` continues when its rule holds
 *    or its event arrives (an event after the step began, at or before the timeout), else at the timeout it
 *    takes `on_timeout`; an action held by quiet hours runs when they end.
 * 3. Then instructions run until a wait, an exit or the end. Sending actions inside quiet hours (in the person's
 *    time zone) are held; past the frequency cap they are skipped (`capped`).
 * The wake instant is the earliest of the wait's end and the next instant at which `goal`, `exit_when` or the
 * awaited rule can change by time alone (the reference `nextChange`), so time-driven exits are exact too.
 */
export function advanceRun(
  definition: WorkflowDefinition,
  program: Program,
  state: RunState,
  input: RunInput,
  context: RunContext,
): Advance {
  if (state.status !== 'active') return { state, actions: [], records: [] };
  const now = Math.max(input.at, state.at);
  const env = context.env ?? {};
  const holds = (c: Condition): boolean => evaluate(c, context.history, now, env);
  const records: StepRecord[] = [];
  const actions: PlannedAction[] = [];
  let pc = state.pc;
  let executed = state.executed;
  let wait = state.wait;
  const end = (cause: ExitCause, stepId: string): Advance => {
    records.push({ stepId, at: now, outcome: cause === 'completed' ? 'completed' : 'exited', cause });
    return { state: { status: 'ended', pc, executed, exitCause: cause, at: now }, actions, records };
  };
  const stepIdAt = (p: number): string => {
    const ins = program.instructions[p];
    return ins && 'stepId' in ins && ins.stepId !== undefined ? ins.stepId : '(end)';
  };
  if (input.kind === 'start') records.push({ stepId: '(trigger)', at: now, outcome: 'entered' });
  if (definition.goal && holds(definition.goal.condition)) return end('goal', stepIdAt(pc));
  if (definition.exitWhen && holds(definition.exitWhen.condition)) return end('exit_when', stepIdAt(pc));

  let releasedHold = false;
  if (wait) {
    const ins = program.instructions[pc];
    switch (wait.kind) {
      case 'timer':
        if (now >= wait.until) {
          records.push({ stepId: stepIdAt(pc), at: now, outcome: 'waited' });
          wait = undefined;
          pc += 1;
        }
        break;
      case 'quiet':
        if (now >= wait.until) {
          wait = undefined;
          releasedHold = true;
        }
        break;
      case 'until': {
        if (ins?.op !== 'wait_until') throw new Error(`run at pc ${pc} waits on a ${ins?.op ?? 'missing'} instruction`);
        const byEvent =
          ins.event !== undefined &&
          input.kind === 'event' &&
          input.event.time > wait.since &&
          input.event.time <= wait.timeoutAt &&
          matchesSelector(ins.event, input.event);
        const byRule = ins.rule !== undefined && holds(ins.rule.condition);
        if (byEvent || byRule) {
          records.push({
            stepId: ins.stepId,
            at: now,
            outcome: 'satisfied',
            ...(ins.rule ? { rule: ins.rule.text, values: values(explain(ins.rule.condition, context.history, now, env)) } : {}),
          });
          wait = undefined;
          pc += 1;
        } else if (now >= wait.timeoutAt) {
          records.push({ stepId: ins.stepId, at: now, outcome: 'timed_out' });
          wait = undefined;
          pc = ins.onTimeout;
        }
        break;
      }
      default:
        assertNever(wait);
    }
  }

  const sends = [...(context.sends ?? [])];
  let budget = STEP_BUDGET;
  while (wait === undefined) {
    if (--budget < 0) return end('loop_guard', stepIdAt(pc));
    const ins = program.instructions[pc];
    if (!ins) return end('completed', '(end)');
    executed += 1;
    switch (ins.op) {
      case 'end':
        return end('completed', '(end)');
      case 'exit':
        return end('exit_step', ins.stepId);
      case 'jump':
        if (ins.stepId !== undefined) records.push({ stepId: ins.stepId, at: now, outcome: 'goto' });
        pc = ins.target;
        break;
      case 'branch': {
        const node = explain(ins.rule.condition, context.history, now, env);
        records.push({ stepId: ins.stepId, at: now, outcome: node.value ? 'then' : 'else', rule: ins.rule.text, values: values(node) });
        pc = node.value ? ins.then : ins.else;
        break;
      }
      case 'wait': {
        const until =
          ins.wait.kind === 'for'
            ? now + ins.wait.ms
            : nextLocalTime(now, ins.wait.hour * 60 + ins.wait.minute, personZone(definition, context.history, now));
        if (until <= now) {
          records.push({ stepId: ins.stepId, at: now, outcome: 'waited' });
          pc += 1;
        } else {
          records.push({ stepId: ins.stepId, at: now, outcome: 'waiting' });
          wait = { kind: 'timer', until };
        }
        break;
      }
      case 'wait_until':
        if (ins.rule && holds(ins.rule.condition)) {
          records.push({ stepId: ins.stepId, at: now, outcome: 'satisfied', rule: ins.rule.text, values: values(explain(ins.rule.condition, context.history, now, env)) });
          pc += 1;
        } else {
          records.push({ stepId: ins.stepId, at: now, outcome: 'waiting' });
          wait = { kind: 'until', since: now, timeoutAt: now + ins.timeoutMs };
        }
        break;
      case 'action': {
        const sending = isSending(ins.action);
        if (sending && definition.quietHours && !releasedHold) {
          const q = definition.quietHours;
          const until = quietUntil(now, q.startMinute, q.endMinute, personZone(definition, context.history, now));
          if (until !== undefined) {
            executed -= 1;
            records.push({ stepId: ins.stepId, at: now, outcome: 'held' });
            wait = { kind: 'quiet', until };
            break;
          }
        }
        releasedHold = false;
        const cap = definition.frequencyCap;
        if (sending && cap && sends.filter((s) => s > now - cap.withinMs && s <= now).length >= cap.max) {
          records.push({ stepId: ins.stepId, at: now, outcome: 'capped' });
          pc += 1;
          break;
        }
        const id = `${context.runId}.${ins.stepId}.${executed}`;
        const a = ins.action;
        switch (a.kind) {
          case 'webhook':
            actions.push({ id, stepId: ins.stepId, kind: 'webhook', target: a.destination, at: now });
            break;
          case 'set_trait':
            actions.push({ id, stepId: ins.stepId, kind: 'set_trait', target: '', traits: a.traits, at: now });
            break;
          case 'add_to_list':
          case 'remove_from_list':
            actions.push({ id, stepId: ins.stepId, kind: a.kind, target: a.destination, list: a.list, at: now });
            break;
          default:
            assertNever(a);
        }
        if (sending) sends.push(now);
        records.push({ stepId: ins.stepId, at: now, outcome: 'action' });
        pc += 1;
        break;
      }
      default:
        assertNever(ins);
    }
  }

  const next: RunState = { status: 'active', pc, executed, wait, at: now };
  return { state: next, actions, records, wakeAt: wakeAt(definition, program, next, context, now) };
}

/** The earliest instant at which time alone can move the run: the wait's end, or a change of goal / exit_when / awaited rule. */
function wakeAt(definition: WorkflowDefinition, program: Program, state: RunState, context: RunContext, now: number): number | undefined {
  const env = context.env ?? {};
  const candidates: number[] = [];
  const w = state.wait;
  if (w) candidates.push(w.kind === 'until' ? w.timeoutAt : w.until);
  for (const rule of [definition.goal, definition.exitWhen]) {
    if (!rule) continue;
    const t = nextChange(rule.condition, context.history, now, env);
    if (t !== undefined) candidates.push(t);
  }
  const ins = program.instructions[state.pc];
  if (w?.kind === 'until' && ins?.op === 'wait_until' && ins.rule) {
    const t = nextChange(ins.rule.condition, context.history, now, env);
    if (t !== undefined) candidates.push(t);
  }
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}
