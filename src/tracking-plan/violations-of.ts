import type { ErrorObject } from 'ajv';
import type { PlanSchemaKind, Violation, ViolationKind } from './plan-types.js';

/** `/a/b~1c` → `a.b/c` (JSON Pointer to the dotted paths segflow's rules and docs use). */
function dotted(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('.');
}

/** Where a schema of `kind` applies in the message: `properties` for track, `traits` for identify. */
export function rootOf(kind: PlanSchemaKind): string {
  return kind === 'track' ? 'properties' : 'traits';
}

/**
 * Turns Ajv's errors into violations with RudderStack's kinds: `required` → Required-Missing (the field is the
 * missing property), `type` → Datatype-Mismatch, `additionalProperties` → Additional-Properties (the field is the
 * extra property), anything else (enum, minimum, format, …) → Unknown-Violation. Fields are dotted paths from
 * the message root (`properties.price`).
 */
export function violationsOf(kind: PlanSchemaKind, errors: readonly ErrorObject[]): Violation[] {
  const root = rootOf(kind);
  return errors.map((e) => {
    const at = dotted(e.instancePath);
    const meta = { instancePath: e.instancePath, schemaPath: e.schemaPath };
    let type: ViolationKind;
    let field: string;
    switch (e.keyword) {
      case 'required':
        type = 'Required-Missing';
        field = join(root, at, String((e.params as { missingProperty: string }).missingProperty));
        break;
      case 'type':
        type = 'Datatype-Mismatch';
        field = join(root, at);
        break;
      case 'additionalProperties':
        type = 'Additional-Properties';
        field = join(root, at, String((e.params as { additionalProperty: string }).additionalProperty));
        break;
      default:
        type = 'Unknown-Violation';
        field = join(root, at);
    }
    return { type, field, message: `${field || root} ${e.message ?? 'is invalid'}`, meta };
  });
}

/** The violation of a track event the plan does not name. */
export function unplannedViolation(event: string): Violation {
  return { type: 'Unplanned-Event', field: '', message: `event "${event}" is not in the tracking plan`, meta: { instancePath: '', schemaPath: '' } };
}
