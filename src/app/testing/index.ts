/**
 * @module
 * Test support for the app: {@link startTestApp} runs the real wiring on a temporary database. Kept out of
 * `app/index.ts` because it loads the store's test helpers (and through them vitest), which production must not.
 */
export type { TestApp, TestAppOptions } from './start-test-app.js';
export { startTestApp } from './start-test-app.js';
