/**
 * @module
 * Segment size over time, from the size history the monitor folds out of the change log:
 * `GET /api/segments/{id}/size-history?resolution=hour|day&from=&to=` for one segment (the segment page's
 * chart) and `GET /api/size-history?resolution=…&from=` for every segment at once (the list's sparklines).
 * Points are filled: one per bucket, `size` at the bucket's end, `entered` / `exited` within it.
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../services.js';
import { isSystemSegmentName } from '../../core/index.js';
import { BUCKET_MS, clampRange, type SizePoint, type SizeResolution } from '../../monitor/index.js';
import { workspaceOf } from '../admin-auth.js';
import { apiError } from '../error-catalogue.js';

const PointSchema = Type.Object({
  t: Type.String({ format: 'date-time', description: 'Start of the bucket (UTC).' }),
  size: Type.Integer({ description: 'Members at the end of the bucket.' }),
  entered: Type.Integer(),
  exited: Type.Integer(),
});

const RangeQuery = Type.Object({
  resolution: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Default: 48 hours (hour) or 30 days (day) before `to`.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now.' })),
});

const pointView = (p: SizePoint) => ({ t: new Date(p.t).toISOString(), size: p.size, entered: p.entered, exited: p.exited });

function rangeOf(query: { resolution?: SizeResolution; from?: string; to?: string }, now: number): { resolution: SizeResolution; from: number; to: number } {
  const resolution = query.resolution ?? 'hour';
  const to = query.to === undefined ? now : Date.parse(query.to);
  const from = query.from === undefined ? to - (resolution === 'hour' ? 47 : 29) * BUCKET_MS[resolution] : Date.parse(query.from);
  if (from > to) throw apiError('VALIDATION_FAILED', '`from` must not be after `to`.', { field: 'querystring.from' });
  return { resolution, ...clampRange(resolution, from, to) };
}

/** Registers the size-history routes (when the app runs the monitor and segments). */
export async function sizeHistoryRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { monitor, segments } = services;
  if (!monitor || !segments) return;
  const tags = ['segments'];

  app.get(
    '/api/segments/:id/size-history',
    {
      schema: {
        tags,
        summary: 'A segment\'s size over time, hourly or daily (at most 60 days of hours or 400 days)',
        params: Type.Object({ id: Type.String({ minLength: 1 }) }),
        querystring: RangeQuery,
        response: { 200: Type.Object({ segmentId: Type.String(), resolution: Type.String(), points: Type.Array(PointSchema) }) },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const { id } = request.params as { id: string };
      const found = await segments.get(ws, id);
      if (!found) throw apiError('SEGMENT_NOT_FOUND', `No segment has the id or name "${id}".`);
      const { resolution, from, to } = rangeOf(request.query as never, services.clock.now());
      const points = await monitor.sizeHistory.series(ws, found.id, resolution, from, to);
      return { segmentId: found.id, resolution, points: points.map(pointView) };
    },
  );

  app.get(
    '/api/size-history',
    {
      schema: {
        tags,
        summary: 'Every segment\'s size over time (for sparklines)',
        querystring: RangeQuery,
        response: {
          200: Type.Object({
            resolution: Type.String(),
            from: Type.String(),
            series: Type.Record(Type.String(), Type.Array(Type.Integer())),
            lastChange: Type.Record(Type.String(), Type.String({ format: 'date-time' }), { description: 'When a member last entered or exited, by segment id.' }),
          }),
        },
      },
    },
    async (request) => {
      const ws = workspaceOf(request);
      const { resolution, from, to } = rangeOf(request.query as never, services.clock.now());
      const ids = (await segments.list(ws)).filter((s) => !isSystemSegmentName(s.name)).map((s) => s.id);
      const series = await monitor.sizeHistory.seriesOf(ws, ids, resolution, from, to);
      const last = await monitor.sizeHistory.lastChanges(ws);
      // Sizes only: a sparkline needs no timestamps beyond the first, and 200 segments × 168 points stays small.
      return {
        resolution,
        from: new Date(from).toISOString(),
        series: Object.fromEntries([...series].map(([id, points]) => [id, points.map((p) => p.size)])),
        lastChange: Object.fromEntries(ids.filter((id) => last.has(id)).map((id) => [id, new Date(last.get(id)!).toISOString()])),
      };
    },
  );
}
