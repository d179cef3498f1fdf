import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its callable is on `.default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => void } & ((ajv: Ajv) => void);

/** The directory holding the ESPs' official OpenAPI definitions (`../shared/specs` beside the repository). */
export const SPECS_DIR = fileURLToPath(new URL('../../../../shared/specs/', import.meta.url));

/** One request as a fake ESP received it. */
export interface SpecRequest {
  readonly method: string;
  /** Path and query string, e.g. `/v3/marketing/contacts?x=1`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body ('' when none). */
  readonly body: string;
}

/** An operation of the definition that matched a request, with its path parameters. */
export interface MatchedOperation {
  readonly operationId: string;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: Record<string, unknown>;
  readonly explode?: boolean;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly (Parameter | { $ref: string })[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, { schema?: unknown }> } | { $ref: string };
}


const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Validates requests against an ESP's official OpenAPI definition: the path and method must be an operation of
 * the document, every required path, query and header parameter must be present and valid, no undeclared query
 * parameter may appear, and the body must be of a declared content type and valid against the operation's
 * schema. Schemas are compiled with ajv in the document's dialect — OpenAPI 3.1 is JSON Schema 2020-12
 * (`Ajv2020`); 3.0 is a draft-04/07 subset with `nullable` (plain `Ajv`, which knows `nullable`) — with the
 * whole document registered so the operation's `$ref`s resolve inside it. Vendor extensions and OpenAPI-only
 * keywords (`example`, `x-…`, `discriminator`) are ignored (`strict: false`).
 */
export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly doc: { openapi: string; paths: Record<string, Record<string, unknown>> };
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly routes: { regex: RegExp; names: string[]; template: string }[];

  constructor(file: string) {
    this.doc = JSON.parse(readFileSync(new URL(file, `file://${SPECS_DIR}`), 'utf8')) as typeof this.doc;
    const options = { strict: false, validateSchema: false, allErrors: true } as const;
    this.ajv = this.doc.openapi.startsWith('3.1') ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    this.ajv.addSchema((this.doc.openapi.startsWith('3.1') ? this.doc : fromOpenApi30(this.doc)) as object, 'openapi.json');
    this.routes = Object.keys(this.doc.paths)
      .map((template) => {
        const names: string[] = [];
        const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        return { regex: new RegExp(`^${pattern}$`), names, template };
      })
      // Literal segments beat parameters: `/contacts/imports/{id}` before `/contacts/{id}`.
      .sort((a, b) => a.names.length - b.names.length);
  }

  /** The operation a request is for, or undefined when the definition has none at that path and method. */
  match(method: string, path: string): MatchedOperation | undefined {
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      const op = this.doc.paths[r.template]?.[method.toLowerCase()] as Operation | undefined;
      if (!op) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] as string)));
      return { operationId: op.operationId, template: r.template, params };
    }
    return undefined;
  }

  /** Everything wrong with the request (empty when it is valid). */
  validate(request: SpecRequest): string[] {
    const url = new URL(request.url, 'http://fake.invalid');
    const matched = this.match(request.method, url.pathname);
    if (!matched) return [`${request.method} ${url.pathname} is not an operation of the definition`];
    const errors: string[] = [];
    const method = request.method.toLowerCase();
    const pathItem = this.doc.paths[matched.template] as Record<string, unknown>;
    const op = pathItem[method] as Operation;
    const params = [...((pathItem.parameters as Operation['parameters']) ?? []), ...(op.parameters ?? [])].map((p) => this.deref<Parameter>(p));
    const pointerBase = `openapi.json#/paths/${escapePointer(matched.template)}`;
    const declaredQuery = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
    for (const key of url.searchParams.keys()) if (!declaredQuery.has(key)) errors.push(`query parameter "${key}" is not declared`);
    params.forEach((p) => {
      let raw: string | undefined;
      if (p.in === 'path') raw = matched.params[p.name];
      else if (p.in === 'query') raw = url.searchParams.get(p.name) ?? undefined;
      else if (p.in === 'header') {
        const h = request.headers[p.name.toLowerCase()];
        raw = Array.isArray(h) ? h[0] : h;
      } else return;
      if (raw === undefined) {
        if (p.required || p.in === 'path') errors.push(`${p.in} parameter "${p.name}" is required`);
        return;
      }
      if (!p.schema) return;
      const value = coerce(raw, p.schema);
      const v = this.compile(`param:${matched.template}:${method}:${p.in}:${p.name}`, p.schema);
      if (!v(value)) errors.push(...describe(`${p.in} parameter "${p.name}"`, v));
    });
    const body = op.requestBody && this.deref<Exclude<Operation['requestBody'], undefined | { $ref: string }>>(op.requestBody);
    if (body) {
      const contentType = String(request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      if (request.body === '') {
        if (body.required) errors.push('a request body is required');
      } else {
        const media = body.content?.[contentType];
        if (!media) errors.push(`content type "${contentType}" is not one of ${Object.keys(body.content ?? {}).join(', ')}`);
        else if (media.schema) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(request.body);
          } catch {
            errors.push('the body is not JSON');
            return errors;
          }
          const v = this.compileRef(`${pointerBase}/${method}/requestBody/content/${escapePointer(contentType)}/schema`);
          if (!v(parsed)) errors.push(...describe('body', v));
        }
      }
    } else if (request.body !== '' && method !== 'delete') {
      errors.push('the operation takes no body');
    }
    return errors;
  }

  private deref<T>(x: T | { $ref: string }): T {
    if (x && typeof x === 'object' && '$ref' in x && typeof x.$ref === 'string') {
      let node: unknown = this.doc;
      for (const part of x.$ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      return node as T;
    }
    return x as T;
  }

  private compile(key: string, schema: Record<string, unknown>): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile((this.doc.openapi.startsWith('3.1') ? schema : fromOpenApi30(schema)) as object);
      this.cache.set(key, v);
    }
    return v;
  }

  private compileRef(ref: string): ValidateFunction {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, v);
    }
    return v;
  }
}

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema (ajv accepts it only beside `type`): rewrite it the standard
 * way — `type: [t, "null"]` (and `null` added to an `enum`), or `anyOf: [schema, {type: "null"}]` when the schema
 * has no `type` (e.g. a nullable `oneOf`).
 */
export function fromOpenApi30(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromOpenApi30);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'nullable') out[k] = fromOpenApi30(v);
  if ((node as Record<string, unknown>).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function coerce(raw: string, schema: Record<string, unknown>): unknown {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'array':
      return raw.split(',');
    default:
      return raw;
  }
}

function describe(what: string, v: ValidateFunction): string[] {
  return (v.errors ?? []).map((e) => `${what}${e.instancePath}: ${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`);
}
