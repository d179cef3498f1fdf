import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => void } & ((ajv: Ajv) => void);

/**
 * The one Ajv configuration for tracking plans: draft-07 (what RudderStack's and Segment Protocols' plans use),
 * every error reported (`allErrors`: each violation is counted, not only the first), strict (an unknown keyword
 * is a mistake in the plan, refused when it is saved), the standard formats (`email`, `date-time`, `uuid`, …),
 * and `addUsedSchema: false` so a schema's `$id` is not registered globally: two workspaces may use the same
 * `$id`, and nothing outlives the bounded validator cache.
 */
export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, addUsedSchema: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}
