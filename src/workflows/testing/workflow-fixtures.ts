import type { HistoryEvent } from '../../rules/index.js';
import { parseWorkflowYaml } from '../workflow-yaml.js';
import type { WorkflowDefinition } from '../workflow-definition.js';
import type { ScenarioItem } from '../simulate-workflow.js';

/** The scenarios' epoch: 2026-03-02T00:00:00Z (a Monday). */
export const T0 = Date.UTC(2026, 2, 2);
export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

let seq = 0;

/** A definition from YAML text; throws with every problem when it does not parse (a broken fixture is a bug). */
export function workflow(yaml: string): WorkflowDefinition {
  const r = parseWorkflowYaml(yaml);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.line ?? '?'}:${p.column ?? '?'} ${p.code} ${p.message}`).join('\n'));
  return r.value;
}

/** A track event at `T0 + offset`. */
export function track(name: string, offset: number, properties: Record<string, unknown> = {}): ScenarioItem {
  const event: HistoryEvent = { id: `e${++seq}`, name, time: T0 + offset, properties };
  return { kind: 'event', event };
}

/** A trait update at `T0 + offset`. */
export function traits(values: Record<string, unknown>, offset: number): ScenarioItem {
  return { kind: 'traits', update: { time: T0 + offset, traits: values } };
}

/** A membership change at `T0 + offset`. */
export function membership(kind: 'entered' | 'exited', segment: string, offset: number): ScenarioItem {
  return { kind, segment, at: T0 + offset };
}
