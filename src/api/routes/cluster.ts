/**
 * @module
 * `GET /api/cluster`: the processes sharing this database (`segflow serve` run several times on one
 * PostgreSQL), the partitions of the event log each one's engines hold, and per partition its lease holder and
 * fencing epoch, cursor, lag (events not yet evaluated, and for how long the oldest has waited) and timers. On
 * SQLite (one partition, one engine with a hot standby) the same shape with one partition.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ClusterPort, Services } from '../services.js';

const ProcessSchema = Type.Object({
  id: Type.String({ description: 'hostname:pid:random, as lease holder' }),
  role: Type.Union([Type.Literal('all'), Type.Literal('engine'), Type.Literal('api')]),
  host: Type.String(),
  pid: Type.Integer(),
  startedAt: Type.String({ format: 'date-time' }),
  heartbeatAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When the others consider it dead without a new heartbeat.' }),
  partitions: Type.Array(Type.Integer(), { description: 'Partitions whose engine lease it holds.' }),
  self: Type.Boolean({ description: 'The process that answered.' }),
});

const PartitionSchema = Type.Object({
  partition: Type.Integer(),
  holder: Type.Union([Type.String(), Type.Null()], { description: 'Process holding the live engine lease (null: none).' }),
  epoch: Type.Integer({ description: 'Fencing epoch: bumped at every hand-over; every engine commit checks it.' }),
  leaseExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cursor: Type.Integer({ description: 'Last event seq of the partition whose effects are committed.' }),
  lag: Type.Object({ events: Type.Integer(), seconds: Type.Number() }),
  timers: Type.Object({ pending: Type.Integer(), overdue: Type.Integer() }),
});

/** Options of {@link clusterRoutes}. */
export interface ClusterRoutesOptions {
  readonly cluster: ClusterPort;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Registers `GET /api/cluster`. */
export const clusterRoutes: FastifyPluginAsyncTypebox<ClusterRoutesOptions> = async (app, { cluster }) => {
  app.get(
    '/api/cluster',
    {
      schema: {
        tags: ['operations'],
        summary: 'Processes, their partitions of the event log and each partition’s lag',
        security: [{ adminKey: [] }],
        response: {
          200: Type.Object({
            self: Type.String(),
            partitions: Type.Integer({ description: 'Partitions of the event log (fixed when the database was created).' }),
            processes: Type.Array(ProcessSchema),
            partitionStates: Type.Array(PartitionSchema),
          }),
        },
      },
    },
    async () => {
      const s = await cluster.status();
      return {
        self: s.self,
        partitions: s.partitions,
        processes: s.processes.map((p) => ({
          id: p.id,
          role: p.role,
          host: p.host,
          pid: p.pid,
          startedAt: iso(p.startedAt),
          heartbeatAt: iso(p.heartbeatAt),
          expiresAt: iso(p.expiresAt),
          partitions: [...p.partitions],
          self: p.id === s.self,
        })),
        partitionStates: s.partitionStates.map((p) => ({ ...p, leaseExpiresAt: p.leaseExpiresAt === null ? null : iso(p.leaseExpiresAt) })),
      };
    },
  );
};

/** The cluster route area: registered when the app provides the cluster port. */
export async function clusterArea(app: FastifyInstance, services: Services): Promise<void> {
  if (services.cluster) await app.register(clusterRoutes, { cluster: services.cluster });
}
