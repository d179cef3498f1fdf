import { assertNever } from '../../core/index.js';
import type { Metric } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';
import { getPath } from './get-path.js';
import { prepared } from './prepared-history.js';
import { scoreAt } from './score-at.js';
import { selectEvents } from './visible-events.js';

/**
 * A metric's value as of t with what it was computed from. `value` is `undefined` when the measure is undefined
 * (avg/min/max of no numeric value, a rate whose denominator is 0 or below its minimum, a score never set);
 * every comparison with an undefined value is false.
 */
export interface MetricReading {
  readonly value: number | undefined;
  /** The selected events (the numerator's for a rate), by time then id; empty for a score. */
  readonly events: readonly HistoryEvent[];
  /** A rate's denominator events, by time then id. */
  readonly denominatorEvents?: readonly HistoryEvent[];
  /** How many selected events carried a usable value (numeric for sum/avg/min/max, primitive for count distinct). */
  readonly valuesUsed?: number;
}

/**
 * Computes a metric as of t:
 * - `count`: the selected events in the window;
 * - `count distinct`: distinct string / number / boolean values of the property (type-sensitive: `1` and `"1"`
 *   differ); events where it is missing, an object or an array are skipped;
 * - `sum` / `avg` / `min` / `max`: over finite numeric values only (others skipped); `sum` of nothing is 0, the
 *   others are undefined; sums accumulate in (time, id) order;
 * - `rate`: numerator count / denominator count over the same window, counted independently (so it may exceed 1);
 *   undefined when the denominator is 0 or below `min`;
 * - `score`: the latest score value as of t.
 */
export function metricReadingAt(metric: Metric, history: ProfileHistory, t: number): MetricReading {
  history = prepared(history);
  switch (metric.kind) {
    case 'count': {
      const events = selectEvents(history, metric.event, metric.window, t);
      return { value: events.length, events };
    }
    case 'count_distinct': {
      const events = selectEvents(history, metric.property.event, metric.window, t);
      const distinct = new Set<string>();
      let valuesUsed = 0;
      for (const event of events) {
        const v = getPath(event.properties, metric.property.path);
        if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
          valuesUsed += 1;
          distinct.add(`${typeof v}:${String(v)}`);
        }
      }
      return { value: distinct.size, events, valuesUsed };
    }
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      const events = selectEvents(history, metric.property.event, metric.window, t);
      const values: number[] = [];
      for (const event of events) {
        const v = getPath(event.properties, metric.property.path);
        if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
      }
      return { value: aggregate(metric.kind, values), events, valuesUsed: values.length };
    }
    case 'rate': {
      const events = selectEvents(history, metric.numerator, metric.window, t);
      const denominatorEvents = selectEvents(history, metric.denominator, metric.window, t);
      const d = denominatorEvents.length;
      const value = d === 0 || d < (metric.minDenominator ?? 0) ? undefined : events.length / d;
      return { value, events, denominatorEvents };
    }
    case 'score':
      return { value: scoreAt(history, metric.name, t), events: [] };
    default:
      return assertNever(metric);
  }
}

function aggregate(kind: 'sum' | 'avg' | 'min' | 'max', values: readonly number[]): number | undefined {
  switch (kind) {
    case 'sum':
      return values.reduce((acc, v) => acc + v, 0);
    case 'avg':
      return values.length === 0 ? undefined : values.reduce((acc, v) => acc + v, 0) / values.length;
    case 'min':
      return values.length === 0 ? undefined : Math.min(...values);
    case 'max':
      return values.length === 0 ? undefined : Math.max(...values);
    default:
      return assertNever(kind);
  }
}
