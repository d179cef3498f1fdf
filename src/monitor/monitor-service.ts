import type { ChangeLog } from '../membership/index.js';
import { ConsumerLoop, type EventRepo, type SqlExecutor } from '../store/index.js';
import { DataCatalog, type DataCatalogOptions } from './data-catalog.js';
import { PeopleDirectorySql } from './people-directory-sql.js';
import { SegmentVersionsSql } from './segment-versions-sql.js';
import { SizeHistory, type SizeHistoryOptions } from './size-history.js';

/** What {@link startMonitor} needs. */
export interface MonitorDeps {
  readonly sql: SqlExecutor;
  readonly events: EventRepo;
  readonly changes: ChangeLog;
  /** Reports a failed step (it is retried at the next wake-up). */
  readonly onError: (what: string, error: unknown) => void;
  /** Whether this process writes the read models now (the app passes "the engine holds its lease"; default always). */
  readonly isActive?: () => boolean;
  readonly sizeHistory?: SizeHistoryOptions;
  readonly catalog?: DataCatalogOptions;
}

/** The running monitor: size history and data catalogue, each following its log, and the read-only queries. */
export interface Monitor {
  readonly sizeHistory: SizeHistory;
  readonly catalog: DataCatalog;
  readonly people: PeopleDirectorySql;
  readonly versions: SegmentVersionsSql;
  /** Tells the catalogue that events were committed (wire to `IngestService.onCommitted`). */
  eventsCommitted(): void;
  /** Resolves when both followers have caught up with what they were woken for (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the monitor's followers: the size history wakes on every change-log append (in this process), the
 * data catalogue on every ingest commit; both run once at start to catch up with what was stored before.
 */
export function startMonitor(deps: MonitorDeps): Monitor {
  const sizeHistory = new SizeHistory(deps.sql, deps.changes, deps.sizeHistory);
  const catalog = new DataCatalog(deps.sql, deps.events, deps.catalog);
  const gate = deps.isActive === undefined ? {} : { isActive: deps.isActive };
  const sizes = new ConsumerLoop({ step: () => sizeHistory.step(), onError: (e) => deps.onError('size history', e), ...gate });
  const names = new ConsumerLoop({ step: () => catalog.step(), onError: (e) => deps.onError('data catalogue', e), ...gate });
  const unsubscribe = deps.changes.onAppended(() => sizes.wake());
  sizes.start();
  names.start();
  return {
    sizeHistory,
    catalog,
    people: new PeopleDirectorySql(deps.sql),
    versions: new SegmentVersionsSql(deps.sql),
    eventsCommitted: () => names.wake(),
    async idle() {
      await Promise.all([sizes.idle(), names.idle()]);
    },
    async stop() {
      unsubscribe();
      await Promise.all([sizes.stop(), names.stop()]);
    },
  };
}
