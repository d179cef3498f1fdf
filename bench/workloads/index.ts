/**
 * @module
 * Every workload `npm run bench` runs, in order. Add a file exporting a {@link Workload} and one line here.
 */
import type { Workload } from '../workload.js';
import { destinations } from './destinations.js';
import { importDatasets } from './import-datasets.js';
import { ingestHttp } from './ingest-http.js';

/** All benchmark workloads. */
export const workloads: readonly Workload[] = [
  ingestHttp,
  importDatasets,
  destinations,
];
