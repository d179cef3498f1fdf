/**
 * @module
 * The list of route areas, shared by every area of segflow. To add yours: write `routes/<area>.ts` and add ONE
 * import and ONE line to {@link routeAreas}. An area is a function `(app, services) => Promise<void>`; when it
 * needs an optional service (`services.segments`), return early without it, so servers built for tests with
 * fewer services still start. Everything under `/api/` is behind the admin key already (use `workspaceOf`).
 *
 * ```ts
 * import { segmentRoutes } from './segments.js';
 * // in the list:
 * async (app, s) => { if (s.segments) await app.register(segmentRoutes, { segments: s.segments, workspaceOf }); },
 * ```
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { espWebhookRoutes } from './esp-webhooks.js';
import { healthRoutes } from './health.js';
import { ingestRoutes } from './ingest.js';
import { profileRoutes } from './profiles.js';
import { segmentsArea } from './segments.js';
import { changesArea } from './changes.js';
import { destinationsArea } from './destinations.js';
import { scoresArea } from './scores.js';
import { experimentsArea } from './experiments.js';
import { workflowsArea } from './workflows.js';
import { webAppArea } from './web-app.js';
import { appSupportArea } from './app-support.js';
import { sessionRoutes } from '../session/index.js';
import { workspacesArea } from './workspaces.js';
import { auditArea } from './audit.js';
import { trackingPlanArea } from './tracking-plan.js';
import { alertsArea } from './alerts.js';
import { privacyArea } from './privacy.js';
import { clusterArea } from './cluster.js';

/** Registers one area's routes on the server. */
export type RouteArea = (app: FastifyInstance, services: Services) => Promise<void>;

/** Every route area, in registration order. */
export const routeAreas: readonly RouteArea[] = [
  healthRoutes,
  ingestRoutes,
  espWebhookRoutes,
  profileRoutes,
  segmentsArea,
  changesArea,
  destinationsArea,
  scoresArea,
  experimentsArea,
  workflowsArea,
  appSupportArea,
  workspacesArea,
  auditArea,
  trackingPlanArea,
  alertsArea,
  privacyArea,
  clusterArea,
  async (app, s) => {
    if (s.sessions) await app.register(sessionRoutes, { sessions: s.sessions });
  },
  webAppArea,
];
