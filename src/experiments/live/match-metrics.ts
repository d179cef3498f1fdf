import type { StoredEvent } from '../../core/index.js';
import { historyItemsOf } from '../../engine/index.js';
import { getPath, matchesSelector } from '../../rules/index.js';
import type { CompiledMetric } from './experiment-definition.js';
import type { Conversion, Exposure } from './experiment-record.js';

/**
 * The conversions one event makes for one exposure: for each metric whose selector matches and whose window
 * holds the event — exposedAt < event time ≤ exposedAt + window, half-open like the rule language's windows, so
 * the event that caused the exposure never counts as its own conversion — a row with value 1 (conversion) or
 * the property's number (revenue; an event without a finite number there adds nothing).
 */
export function conversionsOf(event: StoredEvent, exposure: Exposure, metrics: readonly CompiledMetric[]): Conversion[] {
  const item = historyItemsOf(event).event;
  if (item === undefined) return [];
  const out: Conversion[] = [];
  for (const metric of metrics) {
    if (!(item.time > exposure.exposedAt && item.time <= exposure.exposedAt + metric.windowMs)) continue;
    if (!matchesSelector(metric.selector, item)) continue;
    let value = 1;
    if (metric.kind === 'revenue') {
      const raw = getPath(item.properties, metric.path ?? []);
      value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value)) continue;
    }
    out.push({ experimentId: exposure.experimentId, metric: metric.name, eventSeq: event.seq, profileId: exposure.profileId, value, at: item.time });
  }
  return out;
}
