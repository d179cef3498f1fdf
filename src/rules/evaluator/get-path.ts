/**
 * Reads a nested value: `getPath({ product: { id: "X" } }, ["product", "id"])` is `"X"`.
 *
 * - Only own properties of plain objects are followed (never the prototype chain, so `constructor` or
 *   `__proto__` in a path reads nothing).
 * - A segment made of decimal digits indexes an array (`items.0.sku`); any other segment on an array reads nothing.
 * - `null` is the same as absent: the result is `undefined` for a missing path *and* for a JSON `null`.
 *
 * An empty path returns the value itself (with `null` normalised to `undefined`).
 */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(key)) return undefined;
      current = (current as readonly unknown[])[Number(key)];
      continue;
    }
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Readonly<Record<string, unknown>>)[key];
  }
  return current === null ? undefined : current;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,8})$/;
