// Entry of the ingestion writer thread when segflow runs from its TypeScript sources: a worker thread does not
// inherit the tsx loader that bin/segflow.js registered in the main thread, so register it here, then load the
// worker's code (its URL comes in workerData.entry).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
