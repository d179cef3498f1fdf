/**
 * A deep copy of a syntax tree without its `span` fields (nor any field whose value is `undefined`).
 * Spans are never part of a node's meaning: compare trees, or store them, after stripping.
 */
export function stripSpans<T>(node: T): T {
  return strip(node) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'span' || v === undefined) continue;
    out[k] = strip(v);
  }
  return out;
}
