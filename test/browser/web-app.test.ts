/**
 * The web app in a real headless Chromium against a real segflow (OTTO sessions imported into a temporary
 * SQLite file): the README's tour, done in the browser. With `SEGFLOW_SCREENSHOTS=1` each page is photographed into
 * docs/screenshots/ (the README shows them); without it the tour runs and checks everything but writes no file, so
 * an ordinary test run leaves the committed PNGs alone. The run fails on any console error.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Analytics } from '@segment/analytics-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/chromium.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

let server: DemoServer;
let browser: TestBrowser;
let page: Page;

const WRITE_SHOTS = process.env.SEGFLOW_SCREENSHOTS === '1';

/** Photographs the page into docs/screenshots/ when `SEGFLOW_SCREENSHOTS=1`; otherwise renders it in memory only. */
async function shot(name: string, target: Page = page): Promise<void> {
  if (WRITE_SHOTS) await target.screenshot({ path: `${SHOTS}${name}.png`, fullPage: false });
  else await target.screenshot({ fullPage: false });
}

beforeAll(async () => {
  if (WRITE_SHOTS) mkdirSync(SHOTS, { recursive: true });
  server = await startDemoServer();
  browser = await launchBrowser();
  page = browser.page;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the web app tour', () => {
  it('signs in with the admin key and lists the segments', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Admin key').waitFor();
    await shot('sign-in');
    await page.getByLabel('Admin key').fill('sfa_not_the_key_00000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    browser.expectRefusal(401, '/api/session');
    await page.getByLabel('Admin key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Segments' }).waitFor();
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'segflow_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('autocompletes an event name seen in the data and shows a diagnostic under the exact characters', async () => {
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Name').fill('Recent buyers');
    const rule = page.getByRole('textbox', { name: 'Rule' });
    await rule.click();
    await rule.pressSequentially('performed("Ord');
    await page.getByRole('option', { name: /Order Completed/ }).waitFor();
    await page.keyboard.press('Enter');
    expect(await rule.inputValue()).toBe('performed("Order Completed"');
    await rule.pressSequentially(', within 3x)');
    const problem = page.getByRole('list', { name: 'Problems' }).getByRole('listitem').first();
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/^1:37 RULE1004 error: Unknown duration unit/);
    // The underline covers exactly the offending characters.
    expect(await page.locator('mark[data-diagnostic="RULE1004"]').textContent()).toBe('3x');
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await shot('editor-diagnostic');
  });

  it('fixes the rule, dry-runs it (+N with names) and saves it', async () => {
    const rule = page.getByRole('textbox', { name: 'Rule' });
    await rule.fill('performed("Order Completed", within 30d)');
    await page.getByText('No problems found.').waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByTestId('dry-run-size').waitFor();
    expect(await page.getByTestId('dry-run-size').textContent()).toBe('3');
    expect(await page.getByTestId('dry-run-entered').textContent()).toBe('+3');
    expect(await page.getByRole('list', { name: 'People who would enter' }).getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^otto-\d+$/)]),
    );
    await shot('editor-dry-run');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Recent buyers' }).waitFor();
    await expect.poll(() => page.getByTestId('segment-size').textContent()).toBe('3');
  });

  it('shows the size and a live entry after an event sent with the Segment client', async () => {
    await page.getByText('Waiting for changes').waitFor();
    const analytics = new Analytics({ writeKey: server.writeKey, host: server.url, flushAt: 2, maxRetries: 0 });
    analytics.identify({ userId: 'tour-ann', traits: { email: 'ann@example.com', name: 'Ann' } });
    analytics.track({ userId: 'tour-ann', event: 'Order Completed', properties: { revenue: 42, currency: 'EUR' } });
    await analytics.closeAndFlush();
    const entry = page.getByRole('list', { name: 'Live changes' }).getByRole('listitem').filter({ hasText: 'tour-ann' });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('+ entered');
    await expect.poll(() => page.getByTestId('segment-size').textContent()).toBe('4');
    await page.getByRole('table', { name: 'Members' }).getByRole('link', { name: 'tour-ann' }).waitFor({ timeout: 1000 }).catch(() => undefined);
    await shot('segment');
  });

  it('opens the member and shows the explain tree, condition by condition', async () => {
    await page.getByRole('list', { name: 'Live changes' }).getByRole('link', { name: 'tour-ann' }).click();
    await page.getByRole('heading', { name: 'tour-ann' }).waitFor();
    const tree = page.getByRole('list', { name: 'Why, condition by condition' });
    await tree.waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'In Recent buyers' }).count()).toBe(1);
    const root = tree.getByRole('listitem').first();
    expect(await root.textContent()).toMatch(/^✓ performed\("Order Completed", within 30d\)/);
    expect(await root.textContent()).toContain('1 matching event');
    expect(await page.getByText('ann@example.com').first().isVisible()).toBe(true);
    await shot('person');
  });

  it('searches people and shows destinations and system health', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('Search people').fill('ann@example');
    await page.getByRole('table', { name: 'People found' }).getByRole('link', { name: 'tour-ann' }).waitFor();
    await shot('people');
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('heading', { name: 'Destinations' }).waitFor();
    await page.getByText(/No destinations yet|Delivered/).first().waitFor();
    await shot('destinations');
    await page.getByRole('link', { name: 'System' }).click();
    await page.getByTestId('metric-Engine lag').waitFor();
    await expect.poll(() => page.getByTestId('metric-Ingestion rate').textContent(), { timeout: 15_000 }).toMatch(/events\/s/);
    await shot('system');
    // A tracking-plan schema the next event breaks, so the Data quality page has a violation to show.
    const planned = await fetch(`${server.url}/api/tracking-plan/events/Coupon%20Applied`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'block', schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } }),
    });
    expect(planned.status).toBe(201);
    const sent = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'tour-ann', event: 'Coupon Applied', properties: { code: 42 } }),
    });
    expect(sent.status).toBe(200);
    await page.getByRole('link', { name: 'Data quality' }).click();
    await page.getByRole('heading', { name: 'Data quality' }).waitFor();
    await page.getByRole('table', { name: 'Violations' }).getByText('Datatype-Mismatch').waitFor();
    expect(await page.getByTestId('quarantine-total').textContent()).toBe('1 blocked message in the quarantine.');
    await page.getByText(/No alerts|firing|resolved/).first().waitFor();
    await shot('quality');
    // Two more segments through the API, so the list looks like a workspace in use.
    for (const [name, rule] of [
      ['Product viewers', 'performed("Product Viewed", within 30d)'],
      ['Cart abandoners', '"Product Added" then not "Order Completed" within 3d'],
    ]) {
      const res = await fetch(`${server.url}/api/segments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, rule }),
      });
      expect(res.status).toBe(201);
    }
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('table', { name: 'Segments' }).getByRole('link', { name: 'Cart abandoners' }).waitFor();
    await page.getByRole('table', { name: 'Segments' }).getByRole('link', { name: 'Recent buyers' }).waitFor();
    await shot('segments');
  });

  it('stays readable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole('table', { name: 'Segments' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('segments-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out, and the API then refuses the browser', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin key').waitFor();
    await page.getByText('You are signed out.').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/segments')).status);
    expect(status).toBe(401);
    browser.expectRefusal(401, '/api/segments');
    await page.goto(`${server.url}/segments/Recent%20buyers`);
    await page.getByLabel('Admin key').waitFor();
  });

  it('logged no console error on any page', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
