import { hostname } from 'node:os';
import type { Clock } from '../../core/index.js';
import { processedUpTo } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { LeaseRepoSql } from '../lease/lease-repo-sql.js';
import { TimerRepoSql } from '../timers/timer-repo-sql.js';
import type { ClusterStatus } from './cluster-worker.js';

/**
 * The cluster status of a database with one partition (SQLite, or an upgraded PostgreSQL): one engine over the
 * whole log, held by whoever holds the `engine` lease (other processes are hot standbys and not listed).
 */
export async function singleEngineStatus(store: Store, clock: Clock): Promise<ClusterStatus> {
  const now = clock.now();
  const lease = await new LeaseRepoSql(store.sql).get('engine');
  const position = (await processedUpTo(store.sql)).partitions[0];
  const cursor = position?.cursor ?? 0;
  const lag = { events: position?.waiting ?? 0, oldestReceivedAt: position?.oldestWaitingReceivedAt ?? null };
  const timers = (await new TimerRepoSql(store.sql).countByPartition(now)).get(0) ?? { pending: 0, overdue: 0 };
  const live = lease !== undefined && lease.expiresAt >= now ? lease : undefined;
  const self = `${hostname()}:${process.pid}`;
  return {
    self: live?.holder ?? self,
    partitions: 1,
    processes:
      live === undefined
        ? []
        : [{ id: live.holder, role: 'all', host: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, expiresAt: live.expiresAt, partitions: [0] }],
    partitionStates: [
      {
        partition: 0,
        holder: live?.holder ?? null,
        epoch: lease?.epoch ?? 0,
        leaseExpiresAt: live?.expiresAt ?? null,
        cursor,
        lag: { events: lag.events, seconds: lag.oldestReceivedAt === null ? 0 : Math.max(0, (now - lag.oldestReceivedAt) / 1000) },
        timers,
      },
    ],
  };
}
