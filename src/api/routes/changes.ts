/**
 * @module
 * The membership change log over HTTP: `GET /api/changes?after=<seq>` pages through it by cursor, and
 * `GET /api/changes/stream` follows it live as server-sent events. Each event's `id:` is the change's seq, so a
 * browser EventSource that reconnects sends `Last-Event-ID` and resumes exactly where it stopped.
 *
 * The stream keeps no queue of its own: the change log is durable, so a connection only remembers its cursor
 * and pulls the next page from the log when it is told something was appended (`ChangeLog.onAppended`) and
 * the socket has room. A slow client therefore costs one page of memory, never a growing buffer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { MembershipChange } from '../../core/index.js';
import type { SegmentService } from '../../engine/index.js';
import type { ChangeLog } from '../../membership/index.js';
import type { ProfileQueries, Services } from '../services.js';
import { workspaceOf } from '../admin-auth.js';
import type { Contact, PeopleDirectorySql } from '../../monitor/index.js';
import { apiError } from '../error-catalogue.js';
import { ChangeSchema, problemSchema } from '../contract/index.js';

/** What the change routes need. */
export interface ChangeRoutesOptions {
  readonly changes: ChangeLog;
  readonly segments: SegmentService;
  /** Resolves the `profile` filter; without it the filter answers 404 PROFILE_NOT_FOUND for every reference. */
  readonly profiles?: ProfileQueries;
  readonly workspaceOf: (request: unknown) => string;
  /** Resolves profile ids to userId and email on every change (omitted: ids only). */
  readonly people?: PeopleDirectorySql;
  /** Milliseconds between SSE heartbeat comments (default 15 s), so proxies keep idle streams open. */
  readonly heartbeatMs?: number;
}

/** A change in its API form. */
export function changeView(c: MembershipChange, segmentName?: string, contact?: Contact): Static<typeof ChangeSchema> {
  return {
    seq: c.seq,
    segmentId: c.segmentId,
    ...(segmentName === undefined ? {} : { segmentName }),
    segmentVersion: c.segmentVersion,
    profileId: c.profileId,
    ...(contact === undefined ? {} : { userId: contact.userId, email: contact.email }),
    kind: c.kind,
    at: new Date(c.at).toISOString(),
    recordedAt: new Date(c.recordedAt).toISOString(),
    cause: c.cause,
  };
}

/**
 * Segment names by id, deleted segments included (under their last name), reloaded once per id not seen yet
 * (a segment created while a stream is open).
 */
class SegmentNames {
  private names = new Map<string, string>();
  private readonly missing = new Set<string>();

  constructor(
    private readonly segments: SegmentService,
    private readonly workspaceId: string,
  ) {}

  async nameOf(id: string): Promise<string | undefined> {
    if (!this.names.has(id) && !this.missing.has(id)) {
      this.names = await this.segments.names(this.workspaceId);
      // An id with no history at all stays unnamed rather than causing a reload per change.
      if (!this.names.has(id)) this.missing.add(id);
    }
    return this.names.get(id);
  }
}

const PAGE = 500;
/** How far one page request scans the log looking for changes of the requested segment. */
const SCAN_PAGES = 20;

/** Registers `/api/changes` and `/api/changes/stream`. */
export const changeRoutes: FastifyPluginAsyncTypebox<ChangeRoutesOptions> = async (app, options) => {
  const { changes, segments, profiles, workspaceOf, people } = options;
  const contactsOf = async (ws: string, page: readonly MembershipChange[]): Promise<Map<string, Contact> | undefined> =>
    people && page.length > 0 ? people.contactsOf(ws, page.map((c) => c.profileId)) : undefined;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  // Open streams never go idle, so a graceful shutdown would wait on them forever: end them first.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  async function segmentFilter(ws: string, ref: string | undefined): Promise<string | undefined> {
    if (ref === undefined) return undefined;
    const found = await segments.get(ws, ref);
    if (!found) throw apiError('SEGMENT_NOT_FOUND', `No segment has the id or name "${ref}".`, { field: 'segment' });
    return found.id;
  }

  async function profileFilter(ws: string, ref: string | undefined): Promise<string | undefined> {
    if (ref === undefined) return undefined;
    const found = profiles === undefined ? undefined : await profiles.resolve(ws, ref);
    if (found === undefined) throw apiError('PROFILE_NOT_FOUND', `No profile is known by "${ref}".`, { field: 'profile' });
    return found;
  }

  /** True when a change passes the request's filters. */
  const matches = (c: MembershipChange, segment: string | undefined, profile: string | undefined): boolean =>
    (segment === undefined || c.segmentId === segment) && (profile === undefined || c.profileId === profile);

  app.get(
    '/api/changes',
    {
      schema: {
        tags: ['changes'],
        summary: 'Membership changes after a cursor, in log order',
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Return changes with seq greater than this.' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          segment: Type.Optional(Type.String({ minLength: 1, description: 'Only changes of this segment (id or name).' })),
          profile: Type.Optional(
            Type.String({ minLength: 1, description: 'Only changes of this person: prof_…, user_id:<id>, anonymous_id:<id>, email:<address>, or a bare id.' }),
          ),
        }),
        response: {
          200: Type.Object({
            changes: Type.Array(ChangeSchema),
            next: Type.Integer({ description: 'The cursor to pass as `after` next time (the last seq read).' }),
            hasMore: Type.Boolean({ description: 'True when more changes may follow right away.' }),
          }),
          400: problemSchema('VALIDATION_FAILED: a bad cursor or limit.'),
          404: problemSchema('SEGMENT_NOT_FOUND or PROFILE_NOT_FOUND: a filter names no segment or no person.'),
        },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const { after = 0, limit = 100 } = request.query;
      const only = await segmentFilter(ws, request.query.segment);
      const person = await profileFilter(ws, request.query.profile);
      const filtered = only !== undefined || person !== undefined;
      const names = new SegmentNames(segments, ws);
      const out: Static<typeof ChangeSchema>[] = [];
      let cursor = after;
      let hasMore = false;
      // With a segment filter, scan a bounded number of pages so a rare segment cannot make one request read the
      // whole log; `next` then points past what was scanned, so the client still makes progress.
      for (let scanned = 0; scanned < (filtered ? SCAN_PAGES : 1); scanned++) {
        const want = filtered ? PAGE : limit;
        const page = await changes.read(cursor, want, ws);
        const contacts = await contactsOf(ws, page.filter((c) => matches(c, only, person)));
        for (const c of page) {
          if (!matches(c, only, person)) {
            cursor = c.seq;
            continue;
          }
          if (out.length === limit) {
            hasMore = true;
            break;
          }
          out.push(changeView(c, await names.nameOf(c.segmentId), contacts?.get(c.profileId)));
          cursor = c.seq;
        }
        hasMore = hasMore || page.length === want;
        if (out.length === limit || page.length < want) break;
      }
      return { changes: out, next: cursor, hasMore };
    },
  );

  app.get(
    '/api/changes/stream',
    {
      schema: {
        tags: ['changes'],
        summary: 'Membership changes as server-sent events: the backlog after the cursor, then live',
        description:
          'Each event has `id: <seq>` and `data: <change JSON>`. Resume with `Last-Event-ID` (EventSource does this by itself) or `after`. ' +
          'Comment lines (`: heartbeat`) are sent every 15 s.',
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, description: 'Start after this seq; default: only new changes.' })),
          segment: Type.Optional(Type.String({ minLength: 1, description: 'Only changes of this segment (id or name).' })),
          profile: Type.Optional(Type.String({ minLength: 1, description: 'Only changes of this person (any profile reference).' })),
        }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String()) }),
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const ws = workspaceOf(request);
      const only = await segmentFilter(ws, request.query.segment);
      const person = await profileFilter(ws, request.query.profile);
      const header = request.headers['last-event-id']?.trim() ?? '';
      const lastEventId = /^\d+$/.test(header) ? Number(header) : Number.NaN;
      let cursor = Number.isSafeInteger(lastEventId) ? lastEventId : (request.query.after ?? (await changes.head()));
      const names = new SegmentNames(segments, ws);
      const res = reply.raw;

      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 2000\n: segflow change stream after ${cursor}\n\n`);

      let closed = false;
      let pumping = false;
      let again = false;

      const waitForDrain = (): Promise<void> =>
        new Promise((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });

      // One pump at a time; a notification that arrives while pumping makes it go round once more.
      const pump = async (): Promise<void> => {
        if (pumping) {
          again = true;
          return;
        }
        pumping = true;
        try {
          do {
            again = false;
            for (;;) {
              if (closed) return;
              const page = await changes.read(cursor, PAGE, ws);
              const contacts = await contactsOf(ws, page.filter((c) => matches(c, only, person)));
              for (const c of page) {
                if (closed) return;
                cursor = c.seq;
                if (!matches(c, only, person)) continue;
                const data = JSON.stringify(changeView(c, await names.nameOf(c.segmentId), contacts?.get(c.profileId)));
                if (!res.write(`id: ${c.seq}\ndata: ${data}\n\n`)) await waitForDrain();
              }
              if (page.length < PAGE) break;
            }
          } while (again && !closed);
        } catch (err) {
          request.log.error({ err }, 'change stream failed');
          res.end();
        } finally {
          pumping = false;
        }
      };

      const unsubscribe = changes.onAppended(() => void pump());
      const heartbeat = setInterval(() => {
        if (!closed) res.write(': heartbeat\n\n');
      }, heartbeatMs);
      heartbeat.unref();
      const end = (): void => void res.end();
      open.add(end);
      res.on('close', () => {
        closed = true;
        open.delete(end);
        clearInterval(heartbeat);
        unsubscribe();
      });
      await pump();
    },
  );
};

/** The change-log route area (see `routes/index.ts`): registers when the app provides the change log and segments. */
export async function changesArea(app: FastifyInstance, services: Services): Promise<void> {
  const { segments, changes } = services;
  if (segments && changes) {
    await app.register(changeRoutes, {
      changes,
      segments,
      workspaceOf,
      ...(services.profiles ? { profiles: services.profiles } : {}),
      ...(services.monitor ? { people: services.monitor.people } : {}),
    });
  }
}
