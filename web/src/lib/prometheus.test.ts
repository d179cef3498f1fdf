import { describe, expect, it } from 'vitest';
import { parsePrometheus, sumOf } from './prometheus.js';

describe('parsePrometheus', () => {
  it('reads samples with labels and sums them by a label filter', () => {
    const text = `# HELP segflow_ingested_messages_total Ingested messages.
# TYPE segflow_ingested_messages_total counter
segflow_ingested_messages_total{type="track",outcome="accepted"} 40
segflow_ingested_messages_total{type="identify",outcome="accepted"} 2
segflow_ingested_messages_total{type="track",outcome="rejected"} 5
segflow_engine_lag_events 7
weird line
`;
    const samples = parsePrometheus(text);
    expect(sumOf(samples, 'segflow_ingested_messages_total', (l) => l.outcome === 'accepted')).toBe(42);
    expect(sumOf(samples, 'segflow_engine_lag_events')).toBe(7);
    expect(samples.find((s) => s.labels.outcome === 'rejected')).toMatchObject({ value: 5, labels: { type: 'track' } });
  });
});
