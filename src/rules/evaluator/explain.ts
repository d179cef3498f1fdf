import { assertNever } from '../../core/index.js';
import { durationMs } from '../ast/index.js';
import type { Condition, Window } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';
import {
  describeHead,
  describeInstant,
  describeLiteral,
  describeMetric,
  describeNumber,
  describeOp,
  describeTest,
} from './describe.js';
import { consentAt } from './consent-at.js';
import { inExperimentArm } from './arm-assignment.js';
import { emailEligibilityAt } from './email-eligibility-at.js';
import type { EvalEnv } from './eval-env.js';
import { evaluateIn, seenTimeAt } from './evaluate.js';
import type { EventList, EventRef, Evidence, ExplainNode, ResolvedWindow, SequenceStepRef } from './explain-node.js';
import { EXPLAIN_EVENT_CAP } from './explain-node.js';
import { getPath } from './get-path.js';
import { metricReadingAt } from './metric-reading-at.js';
import { nextChangeIn } from './next-change.js';
import { prepared } from './prepared-history.js';
import type { SequenceStep } from './sequence-reading-at.js';
import { sequenceReadingAt } from './sequence-reading-at.js';
import { isPresent } from './test-value.js';
import { traitsAt } from './traits-at.js';
import { selectEvents } from './visible-events.js';
import { windowBounds } from './window-bounds.js';

/**
 * Why the profile is in or out at t: the tree of every sub-condition with its value (always equal to
 * `evaluate` on that sub-condition), a short text, its evidence and its own `nextChange`. Plain JSON data, for the
 * UI's "why is this person in?" and the explain API.
 */
export function explain(condition: Condition, history: ProfileHistory, t: number, env: EvalEnv = {}): ExplainNode {
  return explainIn(condition, prepared(history), t, env, []);
}

function explainIn(
  c: Condition,
  history: ProfileHistory,
  t: number,
  env: EvalEnv,
  expanding: readonly string[],
): ExplainNode {
  const value = evaluateIn(c, history, t, env, expanding);
  const next = nextChangeIn(c, history, t, env, expanding);
  const node = (text: string, evidence: Evidence, children: readonly ExplainNode[] = []): ExplainNode => ({
    kind: c.kind,
    value,
    text,
    ...(next === undefined ? {} : { nextChange: next }),
    evidence,
    children,
  });
  const head = describeHead(c);
  switch (c.kind) {
    case 'and':
    case 'or': {
      const children = c.conditions.map((x) => explainIn(x, history, t, env, expanding));
      const holding = children.filter((x) => x.value).length;
      const need = c.kind === 'and' ? 'all needed' : 'one needed';
      const evidence: Evidence = { kind: 'combination', holding, of: children.length };
      return node(`${c.kind}: ${holding} of ${children.length} hold (${need})`, evidence, children);
    }
    case 'not': {
      const child = explainIn(c.condition, history, t, env, expanding);
      return node(`not: the inner condition is ${String(child.value)}`, { kind: 'negation' }, [child]);
    }
    case 'trait': {
      const seen = getPath(traitsAt(history, t), c.path);
      const subject = `traits.${c.path.join('.')}`;
      const present = isPresent(seen);
      const text = present
        ? `${subject} = ${JSON.stringify(seen)}${value ? ' ' : ', not '}${describeTest(c.test)}`
        : `${subject} is missing, so ${describeTest(c.test)} is ${String(value)}`;
      return node(text, { kind: 'trait', path: c.path, present, ...(present ? { value: seen } : {}) });
    }
    case 'performed': {
      const events = selectEvents(history, c.event, c.window, t);
      const latest = events.at(-1);
      const text =
        latest === undefined
          ? `${head}: no matching event`
          : `${head}: ${plural(events.length, 'matching event')}, latest at ${describeInstant(latest.time)}`;
      return node(text, { kind: 'events', window: resolve(c.window, t), matched: eventList(events) });
    }
    case 'first_performed': {
      const first = selectEvents(history, c.event, undefined, t)[0];
      const text =
        first === undefined
          ? `${head}: never performed`
          : `${head}: first at ${describeInstant(first.time)}, ${value ? 'inside' : 'outside'} the window`;
      const window = resolve(c.window, t);
      return node(text, { kind: 'first_performed', window, ...(first ? { first: ref(first) } : {}) });
    }
    case 'lapsed': {
      const last = selectEvents(history, c.event, undefined, t).at(-1);
      if (last === undefined) return node(`${head}: never performed`, { kind: 'lapsed' });
      const lapsesAt = last.time + durationMs(c.duration);
      const verb = value ? 'lapsed' : 'lapses';
      const text = `${head}: last at ${describeInstant(last.time)}, ${verb} at ${describeInstant(lapsesAt)}`;
      return node(text, { kind: 'lapsed', last: ref(last), lapsesAt });
    }
    case 'metric': {
      const reading = metricReadingAt(c.metric, history, t);
      const m = c.metric;
      const comparison = `${describeOp(c.op)} ${describeLiteral(c.value)}`;
      let text: string;
      if (reading.value === undefined) {
        const reason = undefinedReason(m, reading.denominatorEvents?.length);
        text = `${describeMetric(m)} is undefined (${reason}), so ${comparison} is false`;
      } else {
        const shown =
          m.kind === 'rate'
            ? `${reading.events.length}/${reading.denominatorEvents?.length ?? 0} = ${describeNumber(reading.value)}`
            : describeNumber(reading.value);
        text = `${describeMetric(m)} = ${shown}${value ? ' ' : ', not '}${comparison}`;
      }
      const window = m.kind === 'score' ? undefined : m.window;
      return node(text, {
        kind: 'metric',
        metric: m.kind,
        measured: reading.value ?? null,
        op: c.op,
        threshold: c.value.value,
        ...(m.kind === 'score' ? {} : { window: resolve(window, t), matched: eventList(reading.events) }),
        ...(reading.denominatorEvents ? { denominator: eventList(reading.denominatorEvents) } : {}),
        ...(reading.valuesUsed === undefined ? {} : { valuesUsed: reading.valuesUsed }),
      });
    }
    case 'sequence': {
      const reading = sequenceReadingAt(c, history, t);
      const evidence: Evidence = {
        kind: 'sequence',
        matches: reading.matches.slice(-EXPLAIN_EVENT_CAP).map(stepRef),
        totalMatches: reading.matches.length,
        pending: reading.pending.slice(0, EXPLAIN_EVENT_CAP).map(stepRef),
        totalPending: reading.pending.length,
      };
      return node(`${head}: ${sequenceText(c, reading.matches, reading.pending)}`, evidence);
    }
    case 'seen': {
      const time = seenTimeAt(history, c.which, t);
      const text =
        time === undefined
          ? `${head}: no event yet`
          : `${head}: ${c.which}_seen = ${describeInstant(time)}, ${value ? 'inside' : 'outside'} the window`;
      return node(text, { kind: 'seen', window: resolve(c.window, t), ...(time === undefined ? {} : { time }) });
    }
    case 'in_segment': {
      const target = env.segments?.get(c.segment);
      const cycle = expanding.includes(c.segment);
      const evidence: Evidence = { kind: 'segment', segment: c.segment, known: target !== undefined, cycle };
      if (target === undefined) return node(`${head}: unknown segment, so false`, evidence);
      if (cycle) return node(`${head}: the reference closes a cycle, so false`, evidence);
      const child = explainIn(target, history, t, env, [...expanding, c.segment]);
      return node(`${head}: ${value ? 'member' : 'not a member'}`, evidence, [child]);
    }
    case 'experiment_arm': {
      const assigned = c.arms.find((a) => inExperimentArm({ ...c, arm: a.name }, history.profileId))?.name;
      const text = assigned === undefined ? `${head}: profile id unknown, so in no arm` : `${head}: assigned to ${JSON.stringify(assigned)}`;
      return node(text, { kind: 'experiment_arm', experiment: c.experiment, ...(assigned === undefined ? {} : { assigned }) });
    }
    case 'subscription': {
      const e = emailEligibilityAt(history, t);
      const status = e.status ?? 'unknown';
      const email = e.email === undefined ? 'missing' : JSON.stringify(e.email);
      const consent =
        e.consentRefused.length === 0 ? 'no consent refused' : `consent refused for ${e.consentRefused.join(', ')}`;
      const text =
        c.state === 'subscribed'
          ? `subscribed: status is ${status}`
          : `email_eligible: email ${email}, status ${status}, ${consent}`;
      return node(text, {
        kind: 'subscription',
        ...(e.status === undefined ? {} : { status: e.status }),
        ...(e.email === undefined ? {} : { email: e.email }),
        consentRefused: e.consentRefused,
      });
    }
    case 'consent': {
      const answer = consentAt(history, t).get(c.category.toLowerCase());
      const said = answer === undefined ? 'never given' : answer ? 'granted' : 'refused';
      return node(`consent(${JSON.stringify(c.category)}): ${said}`, { kind: 'consent', category: c.category.toLowerCase(), granted: answer ?? null });
    }
    default:
      return assertNever(c);
  }
}

function sequenceText(
  c: Extract<Condition, { kind: 'sequence' }>,
  matches: readonly SequenceStep[],
  pending: readonly SequenceStep[],
): string {
  // The head of the node already shows the filters; the body names the events only.
  const firstName = JSON.stringify(c.first.name);
  const thenName = JSON.stringify(c.then.name);
  const keyText = (s: SequenceStep): string =>
    s.key === undefined ? '' : ` (${c.by?.join('.') ?? ''} = ${JSON.stringify(s.key)})`;
  const earliestPending = pending.reduce<SequenceStep | undefined>(
    (a, s) => (a === undefined || s.deadline < a.deadline ? s : a),
    undefined,
  );
  const at = describeInstant;
  if (c.negated) {
    const match = matches[0];
    if (match !== undefined) {
      const since = `${firstName}${keyText(match)} at ${at(match.first.time)}`;
      return `${since} with no ${thenName} after it; deadline ${at(match.deadline)} passed`;
    }
    if (earliestPending !== undefined) {
      const cancel = `${thenName}${keyText(earliestPending)}`;
      return `waiting: enters at ${at(earliestPending.deadline)} unless ${cancel} comes first`;
    }
    return `no ${firstName} without a later ${thenName}`;
  }
  const pair = matches[0];
  if (pair?.then !== undefined) {
    return `${firstName}${keyText(pair)} at ${at(pair.first.time)} then ${thenName} at ${at(pair.then.time)}`;
  }
  if (earliestPending !== undefined) {
    return `waiting: ${thenName}${keyText(earliestPending)} must come by ${at(earliestPending.deadline)}`;
  }
  return `no ${firstName} followed by ${thenName} within the time`;
}

function undefinedReason(m: Extract<Condition, { kind: 'metric' }>['metric'], denominator: number | undefined): string {
  switch (m.kind) {
    case 'rate':
      return denominator === 0 || denominator === undefined
        ? 'no denominator events'
        : `denominator ${denominator} is below the minimum ${m.minDenominator ?? 1}`;
    case 'score':
      return 'never scored';
    case 'avg':
    case 'min':
    case 'max':
      return 'no numeric values';
    case 'count':
    case 'count_distinct':
    case 'sum':
      return 'no value';
    default:
      return assertNever(m);
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function resolve(window: Window | undefined, t: number): ResolvedWindow {
  const b = windowBounds(window, t);
  return { after: Number.isFinite(b.after) ? b.after : null, upTo: b.upTo };
}

function ref(e: HistoryEvent): EventRef {
  return { id: e.id, name: e.name, time: e.time };
}

function eventList(events: readonly HistoryEvent[]): EventList {
  return { total: events.length, events: events.slice(-EXPLAIN_EVENT_CAP).map(ref) };
}

function stepRef(s: SequenceStep): SequenceStepRef {
  return {
    first: ref(s.first),
    deadline: s.deadline,
    ...(s.key === undefined ? {} : { key: s.key }),
    ...(s.then === undefined ? {} : { then: ref(s.then) }),
  };
}
