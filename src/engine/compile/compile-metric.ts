import { assertNever } from '../../core/index.js';
import type { Metric } from '../../rules/index.js';
import { getPath, scoreAt } from '../rules-api.js';
import type { EvalContext } from './eval-context.js';
import { compileCounter, compilePicker } from './select-events.js';

/** A compiled metric: its value at t, `undefined` when the measure is undefined (every comparison false). */
export type CompiledMetric = (cx: EvalContext, t: number) => number | undefined;

/** Compiles a metric exactly as the reference `metricReadingAt` computes its value (same order, same skips). */
export function compileMetric(metric: Metric): CompiledMetric {
  switch (metric.kind) {
    case 'count':
      return compileCounter(metric.event, metric.window);
    case 'count_distinct': {
      const pick = compilePicker(metric.property.event, metric.window);
      const path = metric.property.path;
      return (cx, t) => {
        const distinct = new Set<string>();
        for (const e of pick(cx, t)) {
          const v = getPath(e.properties, path);
          if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
            distinct.add(`${typeof v}:${String(v)}`);
          }
        }
        return distinct.size;
      };
    }
    case 'sum':
    case 'avg':
    case 'min':
    case 'max': {
      const pick = compilePicker(metric.property.event, metric.window);
      const path = metric.property.path;
      const kind = metric.kind;
      return (cx, t) => {
        const values: number[] = [];
        for (const e of pick(cx, t)) {
          const v = getPath(e.properties, path);
          if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
        }
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
