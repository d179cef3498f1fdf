/**
 * The `Services` type moved to src/api (`src/api/services.ts`): the API declares the ports it needs and the app
 * builds them, so the API never imports the app. Re-exported here for callers that still import it from app.
 */
export type { Services } from '../api/index.js';
