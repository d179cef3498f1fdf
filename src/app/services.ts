import type { Logger } from 'pino';
import type { SessionService } from '../api/index.js';
import type { Registry } from 'prom-client';
import type { Clock } from '../core/index.js';
import type { DestinationService } from '../destinations/index.js';
import type { SegmentService } from '../engine/index.js';
import type { IngestService, KeyAuthenticator } from '../ingest/index.js';
import type { ChangeLog } from '../membership/index.js';
import type { Monitor } from '../monitor/index.js';
import type { Store } from '../store/index.js';

/**
 * Everything the HTTP API may call, built once by `startApp`. Other areas add their service as ONE optional
 * field (`segments?: SegmentService`) and their routes register only when it is present, so tests can build a
 * server with just what they exercise.
 */
export interface Services {
  readonly store: Store;
  readonly ingest: IngestService;
  readonly keys: KeyAuthenticator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The Prometheus registry `/metrics` serves; areas may register their own metrics on it. */
  readonly metrics: Registry;
  /** True once shutdown began: `/readyz` answers 503 so load balancers stop sending traffic. */
  readonly isShuttingDown: () => boolean;
  /** Segment administration backed by the real-time engine. */
  readonly segments?: SegmentService;
  /** The membership change log (the outbox every downstream consumer reads). */
  readonly changes?: ChangeLog;
  /** Outbound membership webhooks (registration, deliveries, replay). */
  readonly destinations?: DestinationService;
  /** Web app sessions (admin key → cookie); without it `/api` accepts only Bearer keys. */
  readonly sessions?: SessionService;
  /** Size history and the catalogue of names seen in the data (read models kept by src/monitor). */
  readonly monitor?: Monitor;
}
