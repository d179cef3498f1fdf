/**
 * @module
 * The admin API the web app needs beyond the core resources: people search, size history, rule checking and
 * the data catalogue, rule versions. One route area, so `routes/index.ts` lists it once.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { peopleRoutes } from './people.js';
import { rulesCheckRoutes } from './rules-check.js';
import { segmentVersionRoutes } from './segment-versions.js';
import { sizeHistoryRoutes } from './size-history.js';

/** The app-support route area (see `routes/index.ts`). */
export async function appSupportArea(app: FastifyInstance, services: Services): Promise<void> {
  await peopleRoutes(app, services);
  await sizeHistoryRoutes(app, services);
  await rulesCheckRoutes(app, services);
  await segmentVersionRoutes(app, services);
}
