import { parseDurationText } from './duration-text.js';
import type { ScenarioItem } from './simulate-workflow.js';

/** A problem with one line of a scenario file. */
export interface ScenarioProblem {
  readonly line: number;
  readonly message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a scenario for `segflow simulate`: JSON Lines, one input per line, each with `at` (an ISO 8601 instant,
 * or `+<duration>` after the scenario's start: the first absolute `at`, else `start`) and one of
 * `event` (+ optional `properties`), `traits`, `entered` / `exited` (a segment name). Blank lines and lines
 * starting with `#` are skipped. Every bad line is reported with its number.
 */
export function parseScenario(text: string, start = Date.UTC(2026, 0, 1)): { ok: true; items: ScenarioItem[]; start: number } | { ok: false; problems: ScenarioProblem[] } {
  const items: ScenarioItem[] = [];
  const problems: ScenarioProblem[] = [];
  let base: number | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    let o: unknown;
    try {
      o = JSON.parse(trimmed);
    } catch (error) {
      problems.push({ line, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    if (!isObject(o)) return void problems.push({ line, message: 'expected a JSON object' });
    let at: number | undefined;
    if (typeof o.at === 'string' && o.at.startsWith('+')) {
      const ms = parseDurationText(o.at.slice(1));
      if (ms !== undefined) at = (base ?? start) + ms;
    } else if (typeof o.at === 'string' && !Number.isNaN(Date.parse(o.at))) {
      at = Date.parse(o.at);
      base ??= at;
    }
    if (at === undefined) return void problems.push({ line, message: `"at" must be an ISO 8601 instant or +<duration> (e.g. +2h), not ${JSON.stringify(o.at)}` });
    if (typeof o.event === 'string' && o.event !== '') {
      const properties = isObject(o.properties) ? o.properties : {};
      items.push({ kind: 'event', event: { id: `line-${line}`, name: o.event, time: at, properties } });
    } else if (isObject(o.traits)) {
      items.push({ kind: 'traits', update: { time: at, traits: o.traits } });
    } else if (typeof o.entered === 'string' || typeof o.exited === 'string') {
      const kind = typeof o.entered === 'string' ? 'entered' : 'exited';
      items.push({ kind, segment: String(o[kind]), at });
    } else {
      problems.push({ line, message: 'expected one of "event", "traits", "entered" or "exited"' });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, items, start: base ?? start };
}
