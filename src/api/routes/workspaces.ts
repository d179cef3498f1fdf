/**
 * @module
 * Workspaces and API keys on the admin API. `POST /api/workspaces` (the operator only: an admin key of the
 * default workspace) creates a tenant with one write and one admin key; `GET /api/workspaces` lists them (a
 * tenant sees only itself). `GET /api/keys`, `POST /api/keys` and `DELETE /api/keys/{id}` manage the calling
 * workspace's own keys. Secrets appear once, in the creating answer; revocation takes effect at once.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { OPERATOR_WORKSPACE_ID, workspaceOf } from '../admin-auth.js';
import { problemSchema } from '../contract/index.js';
import { apiError } from '../error-catalogue.js';
import type { KeyView, Services, WorkspacePort, WorkspaceView } from '../services.js';

const Instant = Type.String({ format: 'date-time' });
const WorkspaceSchema = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Instant });
const KeySchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('write'), Type.Literal('admin')]),
  prefix: Type.String({ description: 'The first characters of the secret, to recognise it.' }),
  name: Type.Optional(Type.String()),
  createdAt: Instant,
  revokedAt: Type.Optional(Instant),
});

const iso = (ms: number): string => new Date(ms).toISOString();
const workspaceJson = (w: WorkspaceView) => ({ id: w.id, name: w.name, createdAt: iso(w.createdAt) });
const keyJson = (k: KeyView) => ({
  id: k.id,
  kind: k.kind,
  prefix: k.prefix,
  ...(k.name === undefined ? {} : { name: k.name }),
  createdAt: iso(k.createdAt),
  ...(k.revokedAt === undefined ? {} : { revokedAt: iso(k.revokedAt) }),
});

/** Options of {@link workspaceRoutes}. */
export interface WorkspaceRoutesOptions {
  readonly workspaces: WorkspacePort;
  readonly workspaceOf: (request: unknown) => string;
}

/** Registers the workspace and key routes. */
export const workspaceRoutes: FastifyPluginAsyncTypebox<WorkspaceRoutesOptions> = async (app, { workspaces, workspaceOf: ws }) => {
  app.post(
    '/api/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace (operator only) with one write key and one admin key, shown once',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ workspace: WorkspaceSchema, writeKey: Type.String(), adminKey: Type.String() }),
          403: problemSchema('WORKSPACE_FORBIDDEN: only the default workspace may create workspaces.'),
        },
      },
    },
    async (request, reply) => {
      if (ws(request) !== OPERATOR_WORKSPACE_ID) {
        throw apiError('WORKSPACE_FORBIDDEN', 'Only an admin key of the default workspace may create workspaces.');
      }
      const name = request.body.name.trim();
      if (name === '') throw apiError('VALIDATION_FAILED', 'The workspace name must not be blank.', { field: 'body.name' });
      const created = await workspaces.create(name);
      void reply.code(201);
      return { workspace: workspaceJson(created.workspace), writeKey: created.writeKey, adminKey: created.adminKey };
    },
  );

  app.get(
    '/api/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Workspaces: all of them for the operator, only its own for any other workspace',
        response: { 200: Type.Object({ workspaces: Type.Array(WorkspaceSchema) }) },
      },
    },
    async (request) => {
      const own = ws(request);
      if (own === OPERATOR_WORKSPACE_ID) return { workspaces: (await workspaces.list()).map(workspaceJson) };
      const self = await workspaces.get(own);
      return { workspaces: self ? [workspaceJson(self)] : [] };
    },
  );

  app.get(
    '/api/keys',
    {
      schema: {
        tags: ['workspaces'],
        summary: "The workspace's API keys (never their secrets), revoked ones included",
        response: { 200: Type.Object({ keys: Type.Array(KeySchema) }) },
      },
    },
    async (request) => ({ keys: (await workspaces.listKeys(ws(request))).map(keyJson) }),
  );

  app.post(
    '/api/keys',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Create a write or admin key; the secret is in this answer only',
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('write'), Type.Literal('admin')]),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ key: KeySchema, secret: Type.String() }) },
      },
    },
    async (request, reply) => {
      const created = await workspaces.createKey(ws(request), request.body.kind, request.body.name);
      void reply.code(201);
      return { key: keyJson(created.key), secret: created.secret };
    },
  );

  app.delete(
    '/api/keys/:id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Revoke a key: refused by every process from the next request on',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({ key: KeySchema }),
          404: problemSchema('KEY_NOT_FOUND: the workspace has no such key.'),
          409: problemSchema('KEY_LAST_ADMIN: the workspace would be left without an admin key.'),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const result = await workspaces.revokeKey(ws(request), id);
      if (!result.ok) {
        throw result.error === 'KEY_NOT_FOUND'
          ? apiError('KEY_NOT_FOUND', `This workspace has no key "${id}".`, { field: 'id' })
          : apiError('KEY_LAST_ADMIN', 'This is the workspace\'s last active admin key: create another admin key first.', { field: 'id' });
      }
      return { key: keyJson(result.key) };
    },
  );
};

/** The workspaces route area (see `routes/index.ts`): registers when the app provides the workspace port. */
export async function workspacesArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.workspaces) await app.register(workspaceRoutes, { workspaces: services.workspaces, workspaceOf });
}
