import type { Catalog } from './types.js';

/** What to complete at the caret: the text to replace and the candidates. */
export interface Completion {
  readonly from: number;
  readonly to: number;
  readonly options: readonly { label: string; insert: string; detail: string }[];
}

const EVENT_CALL = /(?:performed|first_performed|lapsed|count|sum|avg|min|max|rate)\s*\(\s*"([^"\n]*)$|(?:then\s+(?:not\s+)?|\/\s*|^|\s)"([^"\n]*)$/;

/**
 * Completion candidates at `caret` from the names seen in the data: event names inside a string that starts
 * an event reference, trait names after `traits.`, property names after `where` (or `"Event".`) for the
 * nearest event named before the caret. Undefined when nothing applies.
 */
export function completionAt(text: string, caret: number, catalog: Catalog | undefined): Completion | undefined {
  if (!catalog) return undefined;
  const before = text.slice(0, caret);
  const line = before.slice(before.lastIndexOf('\n') + 1);
  const trait = /traits\.([\w.]*)$/.exec(line);
  if (trait) {
    const typed = trait[1]!;
    const options = catalog.traits
      .filter((t) => t.name.startsWith(typed) && t.name !== typed)
      .map((t) => ({ label: t.name, insert: t.name, detail: `trait · ${t.type}` }));
    return options.length > 0 ? { from: caret - typed.length, to: caret, options } : undefined;
  }
  const property = /(?:where\s+|"\.|\band\s+)([\w]*)$/.exec(line);
  const lastEvent = [...before.matchAll(/"([^"\n]+)"/g)].map((m) => m[1]!).reverse().find((name) => catalog.properties[name] !== undefined);
  if (property && lastEvent && /where|"\./.test(line)) {
    const typed = property[1]!;
    const options = (catalog.properties[lastEvent] ?? [])
      .filter((p) => p.name.startsWith(typed) && p.name !== typed)
      .map((p) => ({ label: p.name, insert: p.name, detail: `${lastEvent} · ${p.type}` }));
    return options.length > 0 ? { from: caret - typed.length, to: caret, options } : undefined;
  }
  const quotes = (line.match(/"/g) ?? []).length;
  const event = quotes % 2 === 1 ? EVENT_CALL.exec(line) : null;
  if (event) {
    const typed = event[1] ?? event[2] ?? '';
    const lower = typed.toLowerCase();
    const after = text.slice(caret);
    const closes = after.startsWith('"');
    const options = catalog.events
      .filter((e) => e.toLowerCase().includes(lower) && e !== typed)
      .slice(0, 20)
      .map((e) => ({ label: e, insert: closes ? e : `${e}"`, detail: 'event' }));
    return options.length > 0 ? { from: caret - typed.length, to: caret, options } : undefined;
  }
  return undefined;
}
