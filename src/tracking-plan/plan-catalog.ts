import type { RuleCatalog } from '../rules/index.js';
import type { JsonObject } from '../core/index.js';
import type { TrackingPlan } from './plan-types.js';

type ValueType = 'string' | 'number' | 'boolean' | 'date';

function typeOf(schema: JsonObject): ValueType | undefined {
  const t = schema.type;
  const types = Array.isArray(t) ? t.filter((x) => x !== 'null') : [t];
  if (types.length !== 1) return undefined;
  switch (types[0]) {
    case 'string':
      return schema.format === 'date-time' || schema.format === 'date' ? 'date' : 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return undefined;
  }
}

/** Dotted paths of every property a schema declares (nested objects flattened), with their types when simple. */
function declared(schema: JsonObject, prefix: string, out: Record<string, ValueType>, depth = 0): void {
  const props = schema.properties;
  if (depth > 8 || props === null || typeof props !== 'object' || Array.isArray(props)) return;
  for (const [name, child] of Object.entries(props)) {
    if (child === null || typeof child !== 'object' || Array.isArray(child)) continue;
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const type = typeOf(child);
    // The rule checker knows four scalar types; an array (or an untyped) property is still declared — present
    // with no type — so a rule reading it is not reported as unknown, and its type is left to the data.
    if (type === undefined && (child as JsonObject).type === 'object' && (child as JsonObject).properties !== undefined) {
      declared(child as JsonObject, path, out, depth + 1);
    } else {
      out[path] = type as ValueType;
    }
  }
}

/**
 * The rule checker's catalogue of what a tracking plan defines: every planned event with the properties its
 * schema declares (an event whose schema declares none leaves its properties unchecked), and the traits of the
 * identify schema (absent when the plan has none, so traits go unchecked). With it, `segflow check` warns when a
 * rule reads an event or property the plan does not define.
 */
export function planCatalog(plan: TrackingPlan): RuleCatalog {
  const events: Record<string, { properties?: Record<string, ValueType> }> = {};
  let traits: Record<string, ValueType> | undefined;
  for (const s of plan.schemas) {
    const props: Record<string, ValueType> = {};
    declared(s.schema, '', props);
    const hasProperties = s.schema.properties !== undefined;
    if (s.kind === 'track') events[s.event] = hasProperties ? { properties: props } : {};
    else if (hasProperties) traits = props;
  }
  return { events, ...(traits ? { traits } : {}) };
}
