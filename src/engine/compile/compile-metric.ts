import { assertNever } from '../../core/index.js';
import type { Metric } from '../../rules/index.js';
import type { HistoryEvent, Window } from '../../rules/index.js';
import { getPath, matchesFilter, scoreAt, windowBounds } from '../rules-api.js';
import type { EvalContext } from './eval-context.js';
import { EventColumn } from './event-column.js';
import { compileCounter, firstAfter } from './select-events.js';

/** A compiled metric: its value at t, `undefined` when the measure is undefined (every comparison false). */
export type CompiledMetric = (cx: EvalContext, t: number) => number | undefined;

/** Compiles a metric exactly as the reference `metricReadingAt` computes its value (same order, same skips). */
export function compileMetric(metric: Metric): CompiledMetric {
  switch (metric.kind) {
    case 'count':
      return compileCounter(metric.event, metric.window);
    case 'count_distinct': {
      const { event, path } = metric.property;
      const window = metric.window;
      const column = new EventColumn<string | undefined>(event.name, (e) => {
        if (event.where !== undefined && !matchesFilter(event.where, e.properties)) return undefined;
        const v = getPath(e.properties, path);
        return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
          ? `${typeof v}:${String(v)}`
          : undefined;
      }, 'distinct');
      return (cx, t) => {
        const list = cx.state.events.get(event.name);
        if (list === undefined) return 0;
        const { after, upTo } = windowBounds(window, t);
        const fast = column.distinctToEnd(cx.state, firstAfter(list, after), firstAfter(list, upTo));
        if (fast !== undefined) return fast;
        const distinct = new Set<string>();
        forWindow(cx, event.name, window, t, column, (v) => {
          if (v !== undefined) distinct.add(v);
        });
        return distinct.size;
      };
    }
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      const { event, path } = metric.property;
      const window = metric.window;
      const kind = metric.kind;
      const column = new EventColumn<number | undefined>(
        event.name,
        (e) => {
          if (event.where !== undefined && !matchesFilter(event.where, e.properties)) return undefined;
          const v = getPath(e.properties, path);
          return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
        },
        kind === 'sum' || kind === 'avg' ? 'numeric' : kind,
      );
      return (cx, t) => {
        if (kind === 'sum' || kind === 'avg') {
          // Integer values: the window's sum from prefix sums, exact in any order, in O(log n).
          const list = cx.state.events.get(event.name);
          if (list === undefined) return kind === 'sum' ? 0 : undefined;
          const { after, upTo } = windowBounds(window, t);
          const range = column.exactSum(cx.state, firstAfter(list, after), firstAfter(list, upTo));
          if (range !== undefined) return kind === 'sum' ? range.sum : range.count === 0 ? undefined : range.sum / range.count;
        } else {
          // min / max over any window (ending at the newest event or before it) from the sparse table, in O(1).
          const list = cx.state.events.get(event.name);
          if (list === undefined) return undefined;
          const { after, upTo } = windowBounds(window, t);
          return column.extreme(cx.state, firstAfter(list, after), firstAfter(list, upTo));
        }
        // Sums that are not exact in any order: the same values in the same (time, id) order as the reference, so
        // they round identically.
        let n = 0;
        let acc = 0;
        forWindow(cx, event.name, window, t, column, (v) => {
          if (v === undefined) return;
          n += 1;
          acc += v;
        });
        return kind === 'sum' ? acc : n === 0 ? undefined : acc / n;
      };
    }
    case 'rate': {
      const numerator = compileCounter(metric.numerator, metric.window);
      const denominator = compileCounter(metric.denominator, metric.window);
      const min = metric.minDenominator ?? 0;
      return (cx, t) => {
        const d = denominator(cx, t);
        return d === 0 || d < min ? undefined : numerator(cx, t) / d;
      };
    }
    case 'score': {
      const name = metric.name;
      return (cx, t) => scoreAt(cx.state.updatesHistory, name, t);
    }
    default:
      return assertNever(metric);
  }
}

/** Calls `fn` with the column value of every kept event of `name` inside the window at t, in (time, id) order. */
function forWindow<V>(cx: EvalContext, name: string, window: Window | undefined, t: number, column: EventColumn<V>, fn: (v: V) => void): void {
  const list = cx.state.events.get(name);
  if (list === undefined) return;
  const values = column.of(cx.state);
  const { after, upTo } = windowBounds(window, t);
  for (let i = firstAfter(list, after); i < list.length; i++) {
    if ((list[i] as HistoryEvent).time > upTo) break;
    fn(values[i] as V);
  }
}
