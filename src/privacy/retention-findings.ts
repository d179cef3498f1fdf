import { durationMs, type Condition, type Duration } from '../rules/index.js';

const DAY = 86_400_000;
const UNWINDOWED = new Set(['performed', 'count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'rate', 'first_performed']);

/**
 * What in a rule reads further back than an event retention of `days` keeps: a window longer than it, a window
 * open to the past (`before D ago`), an event read with no window (all time), `lapsed` (performed ever, not
 * lately), `first_seen` and `first_performed` (the first event ever). Each finding is one sentence; none when the
 * rule only reads recent history. Pure: walks the canonical JSON form of the condition.
 */
export function retentionFindings(condition: Condition, days: number): string[] {
  const limit = days * DAY;
  const out = new Set<string>();
  const long = (d: Duration): boolean => durationMs(d) > limit;
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    const n = node as Record<string, unknown>;
    const kind = n['kind'];
    if (kind === 'within' && long(n['duration'] as Duration)) out.add(`a window of ${text(n['duration'])} reaches past the ${days}-day event retention`);
    if (kind === 'between' && long(n['from'] as Duration)) out.add(`a window from ${text(n['from'])} ago reaches past the ${days}-day event retention`);
    if (kind === 'before') out.add(`"before ${text(n['duration'])} ago" reads events older than the ${days}-day event retention keeps`);
    if (typeof kind === 'string' && UNWINDOWED.has(kind) && ('event' in n || 'property' in n || 'numerator' in n) && n['window'] === undefined) {
      out.add(`${kind}(…) without a window reads all history; only ${days} days of events are kept`);
    }
    if (kind === 'lapsed') out.add(`lapsed(…) reads whether the event was ever performed; only ${days} days of events are kept`);
    if (kind === 'seen' && n['which'] === 'first') out.add(`first_seen is the oldest event kept: with a ${days}-day retention it moves forward as events are deleted`);
    for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(v);
  };
  visit(condition);
  return [...out];
}

function text(d: unknown): string {
  const x = d as Duration;
  return `${x.amount}${x.unit}`;
}
