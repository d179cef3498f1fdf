/**
 * @module
 * Every workload `npm run bench` runs, in order. Add a file exporting a {@link Workload} and one line here.
 */
import type { Workload } from '../workload.js';
import { clusterPostgres } from './cluster-postgres.js';
import { destinations } from './destinations.js';
import { engineBackfill } from './engine-backfill.js';
import { engineLatency } from './engine-latency.js';
import { engineRss } from './engine-rss.js';
import { engineThroughput } from './engine-throughput.js';
import { engineTimerStorm } from './engine-timer-storm.js';
import { experimentsBench } from './experiments.js';
import { espSync } from './esp-sync.js';
import { importDatasets } from './import-datasets.js';
import { ingestHttp } from './ingest-http.js';
import { ingestLimit } from './ingest-limit.js';
import { predict } from './predict.js';
import { privacyErasure } from './privacy-erasure.js';
import { workflowsBench } from './workflows.js';
import { webRender } from './web-render.js';
import { trackingPlanBench } from './tracking-plan.js';

/** All benchmark workloads. */
export const workloads: readonly Workload[] = [
  ingestHttp,
  ingestLimit,
  importDatasets,
  destinations,
  espSync,
  engineThroughput,
  engineLatency,
  engineTimerStorm,
  engineBackfill,
  engineRss,
  predict,
  experimentsBench,
  workflowsBench,
  webRender,
  trackingPlanBench,
  privacyErasure,
  clusterPostgres,
];
