/**
 * Test support: Debian's headless Chromium driven by playwright-core, with a fresh profile per run and every
 * console error and uncaught page error collected, so a test can fail on any of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian installs Chromium (`apt-get install chromium`; .ci/run does it). */
export const CHROMIUM = process.env.SEGFLOW_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every run uses: headless, sandbox off (CI runs as root), and nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running browser with one page, and the console errors seen so far. */
export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
  /**
   * Removes the one console error Chromium logs for a refusal the test provoked on purpose (it logs every 4xx
   * answer as "Failed to load resource"), and fails when there was none: only expected refusals are excused.
   */
  expectRefusal(status: number, path: string): void;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh user-data-dir and a 1280×800 page. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'segflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  const watch = (p: Page): void => {
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`console: ${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context,
    page,
    consoleErrors,
    expectRefusal(status, path) {
      const i = consoleErrors.findIndex((e) => e.includes(`status of ${status}`) && new URL(e.slice(e.lastIndexOf('(') + 1, -1)).pathname === path);
      if (i < 0) throw new Error(`expected Chromium to log the ${status} of ${path}; it logged: ${JSON.stringify(consoleErrors)}`);
      consoleErrors.splice(i, 1);
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
