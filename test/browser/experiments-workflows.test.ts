/**
 * The Experiments and Workflows pages in a real headless Chromium against a real segflow on a fake clock: a
 * week of browsing and buying is sent through `/v1/batch` day by day (the server's clock advanced between them,
 * so waits, windows and the per-day chart are real), with a threshold experiment (2 vs 3 product views, a
 * holdout) whose "3 views" arm buys twice as often by construction, and a follow-up workflow with a branch,
 * webhooks to a local receiver (one customer's calls always fail) and a second version saved mid-week. The
 * pages must show what the API computed from that data. With `SEGFLOW_SCREENSHOTS=1` each page is photographed
 * into docs/screenshots/; the run fails on any console error.
 */
import { mkdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { launchBrowser, type TestBrowser } from './support/chromium.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const WRITE_SHOTS = process.env.SEGFLOW_SCREENSHOTS === '1';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Midnight UTC eight days ago: the week ends yesterday, so dates on the pages look like a live workspace's. */
const T0 = Math.floor(Date.now() / DAY) * DAY - 8 * DAY;
const DAYS = 7;
const PEOPLE_PER_DAY = 60;
const EXPERIMENT = 'Browse threshold 2 vs 3 views';
const WORKFLOW = 'Browse follow-up';
/** Out of every 20 exposed people of an arm (in order of arrival), how many buy the same afternoon. */
const BUYERS_PER_20: Record<string, number> = { '2 views': 3, '3 views': 6, holdout: 2 };
/** This customer's webhook calls are always refused by the receiver (HTTP 500): their actions end up failed. */
const FAILING_USER = 'tour-d0-13';
/** Their profile id (the workflow webhook's payload names the person by profile id). */
let failingProfile = '';

const experiment = {
  name: EXPERIMENT,
  control: '2 views',
  salt: 'web-tour',
  plannedPerArm: 200,
  arms: [
    { name: '2 views', rule: 'count("Product Viewed", within 7d) >= 2', weight: 45 },
    { name: '3 views', rule: 'count("Product Viewed", within 7d) >= 3', weight: 45 },
    { name: 'holdout', rule: 'count("Product Viewed", within 7d) >= 2', weight: 10, holdout: true },
  ],
  metrics: [
    { kind: 'conversion', name: 'purchase', event: '"Order Completed"', window: '3d' },
    { kind: 'revenue', name: 'revenue', event: '"Order Completed"', property: 'revenue', window: '3d' },
    { kind: 'conversion', name: 'unsubscribe', event: '"Unsubscribed"', window: '3d', guardrail: true },
  ],
};

const workflowV1 = {
  name: WORKFLOW,
  description: 'A reminder the day after browsing, a last call two days later, until they buy',
  trigger: { event: 'Product Viewed' },
  goal: 'performed("Order Completed", within 7d)',
  exit_when: 'traits.unsubscribed = true',
  steps: [
    { id: 'wait-1d', wait: '1d' },
    {
      id: 'is-pro',
      if: 'traits.plan = "pro"',
      then: [
        { id: 'tag-pro', set_trait: { follow_up: 'pro' } },
        { id: 'reminder-pro', webhook: 'ESP' },
      ],
      else: [{ id: 'reminder', webhook: 'ESP' }],
    },
    { id: 'wait-2d', wait: '2d' },
    { id: 'last-call', webhook: 'ESP' },
  ],
};
/** Version 2: the last call after one day instead of two. */
const workflowV2 = { ...workflowV1, steps: [...workflowV1.steps.slice(0, 2), { id: 'wait-1d-more', wait: '1d' }, { id: 'last-call', webhook: 'ESP' }] };

let server: DemoServer;
let browser: TestBrowser;
let page: Page;
let receiver: Server;
const clock = new FakeClock(T0 + 8 * HOUR);
/** Each person's arm (from the arm segments' members), and who bought. */
const armOf = new Map<string, string>();
/** How many people of each arm have arrived so far (the week through): who buys is decided by this rank. */
const rank: Record<string, number> = {};
const bought = new Set<string>();
const received: { profileId: string; step: string }[] = [];

async function shot(name: string): Promise<void> {
  if (WRITE_SHOTS) await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: false });
  else await page.screenshot({ fullPage: false });
}

/**
 * One HTTP request on a fresh connection (`agent: false`), never on a kept-alive one: the server closes idle
 * connections after 5 s of real time, and a loaded machine can spend longer than that between two requests,
 * which makes a reused socket fail as the request goes out.
 */
function request(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await request(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: JSON.parse(res.text) as T };
}

async function send(batch: Record<string, unknown>[]): Promise<void> {
  const res = await request(`${server.url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ batch }),
  });
  expect(res.status).toBe(200);
  await server.app.settled();
}

/**
 * Waits until the workflows have caught up with the clock: no run's timer is due any more, and every action due
 * by now has had its first attempt. A webhook call's timeout runs on the server's clock, so moving the fake clock
 * on while calls are in flight would time them out: a failure no real deployment sees. (Read from the store:
 * the API shows in-flight calls as pending, like retries.)
 */
async function actionsAttempted(): Promise<void> {
  for (let i = 0; i < 6_000; i++) {
    const rows = await server.app.store.sql.query<{ n: unknown }>(
      `SELECT (SELECT COUNT(*) FROM workflow_timers WHERE due_at <= $1)
            + (SELECT COUNT(*) FROM workflow_actions WHERE status = 'pending' AND attempts = 0 AND due_at <= $1) AS n`,
      [clock.now()],
    );
    if (Number(rows[0]?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('workflow actions due now were not attempted');
}

/** Moves the server's clock to `target` a few hours at a time, letting the engine and the workflows catch up after each step. */
async function advanceTo(target: number): Promise<void> {
  while (clock.now() < target) {
    clock.advanceTo(Math.min(target, clock.now() + 3 * HOUR));
    await server.app.settled();
    await actionsAttempted();
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Reads the arm segments' members: everyone exposed so far, by arm. */
async function readArms(): Promise<void> {
  for (const arm of experiment.arms) {
    const name = encodeURIComponent(`__exp:${EXPERIMENT}:${arm.name}`);
    const { status, json } = await admin<{ members: { userId: string | null }[] }>('GET', `/api/segments/${name}/members?limit=1000`);
    expect(status).toBe(200);
    for (const m of json.members) if (m.userId) armOf.set(m.userId, arm.name);
  }
}

beforeAll(async () => {
  if (WRITE_SHOTS) mkdirSync(SHOTS, { recursive: true });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as { type?: string; data?: { step?: { id: string }; profile?: { id: string } } };
      const profileId = payload.data?.profile?.id ?? '';
      if (payload.type === 'workflow.step') received.push({ profileId, step: payload.data?.step?.id ?? '' });
      res.writeHead(profileId === failingProfile ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startDemoServer([], { clock, env: { SEGFLOW_DESTINATION_ALLOWLIST: '127.0.0.1' } });
  // the destination the workflow's webhooks go through; its own segment never matches, so it only gets those calls
  const vip = await admin<{ segment: { id: string } }>('POST', '/api/segments', { name: 'VIP', rule: 'traits.vip = true' });
  expect(vip.status).toBe(201);
  const dest = await admin('POST', '/api/destinations', { name: 'ESP', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, segments: [vip.json.segment.id] });
  expect(dest.status).toBe(201);
  expect(await admin('POST', '/api/experiments', experiment)).toMatchObject({ status: 201 });
  expect(await admin('POST', '/api/workflows', workflowV1)).toMatchObject({ status: 201 });

  // A week: each morning 60 new people view three products; that afternoon some buy, one in 30 unsubscribes.
  for (let d = 0; d < DAYS; d++) {
    const day = T0 + d * DAY;
    if (d === 3) {
      await advanceTo(day + 8 * HOUR);
      expect(await admin('PUT', `/api/workflows/${encodeURIComponent(WORKFLOW)}`, workflowV2)).toMatchObject({ status: 200 });
    }
    const users = Array.from({ length: PEOPLE_PER_DAY }, (_, i) => `tour-d${d}-${i}`);
    await advanceTo(day + 9 * HOUR + 45 * MINUTE);
    await send(
      users.flatMap((userId, i) => [
        { type: 'identify', messageId: `${userId}-signup`, userId, traits: { email: `${userId}@example.com`, plan: i % 4 === 0 ? 'pro' : 'free' }, timestamp: iso(day + 9 * HOUR) },
        ...[0, 20, 40].map((m, k) => ({
          type: 'track',
          messageId: `${userId}-view-${k}`,
          userId,
          event: 'Product Viewed',
          properties: { product_id: `sku-${(i + k) % 12}` },
          timestamp: iso(day + 9 * HOUR + m * MINUTE),
        })),
      ]),
    );
    await readArms();
    if (d === 0) failingProfile = (await admin<{ id: string }>('GET', `/api/profiles/${FAILING_USER}?limit=1`)).json.id;
    const buyers = users.filter((u) => {
      const arm = armOf.get(u);
      if (arm === undefined) return false;
      if (u === FAILING_USER) return false; // stays in the workflow long enough for every one of their calls to fail
      rank[arm] = (rank[arm] ?? 0) + 1;
      return (rank[arm] - 1) % 20 < (BUYERS_PER_20[arm] ?? 0);
    });
    await advanceTo(day + 16 * HOUR + 5 * MINUTE);
    await send([
      ...buyers.map((userId, k) => ({ type: 'track', messageId: `${userId}-order`, userId, event: 'Order Completed', properties: { revenue: 40 + (k % 5) * 10 }, timestamp: iso(day + 15 * HOUR) })),
      ...users
        .filter((_, i) => i % 30 === 7)
        .flatMap((userId) => [
          { type: 'track', messageId: `${userId}-unsubscribed`, userId, event: 'Unsubscribed', timestamp: iso(day + 16 * HOUR) },
          { type: 'identify', messageId: `${userId}-unsubscribed-trait`, userId, traits: { unsubscribed: true }, timestamp: iso(day + 16 * HOUR) },
        ]),
    ]);
    for (const b of buyers) bought.add(b);
  }
  await advanceTo(T0 + DAYS * DAY + 12 * HOUR);
  browser = await launchBrowser();
  page = browser.page;
  // a little taller than the main tour's pages: the report's chart and the flow's first branch fit on screen
  await page.setViewportSize({ width: 1280, height: 1000 });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

describe('the experiments and workflows pages', () => {
  it('signs in and lists the experiment with its arms, exposures and verdict', async () => {
    expect(armOf.size).toBe(DAYS * PEOPLE_PER_DAY);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Admin key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Segments' }).waitFor();
    await page.getByRole('link', { name: 'Experiments' }).click();
    const table = page.getByRole('table', { name: 'Experiments' });
    await table.getByRole('link', { name: EXPERIMENT }).waitFor();
    // the worker records exposures behind the change log: wait until all of them are in the report
    await expect.poll(() => page.getByTestId(`exposures-${EXPERIMENT}`).textContent(), { timeout: 60_000 }).toBe('420');
    expect(await table.getByRole('row').nth(1).textContent()).toContain('running');
    expect(await table.getByRole('listitem').allTextContents()).toEqual(['2 views (control) 45%', '3 views 45%', 'holdout 10%']);
    await expect.poll(() => page.getByTestId(`verdict-${EXPERIMENT}`).textContent(), { timeout: 60_000 }).toMatch(/^3 views beats 2 views on purchase by \+\d+%/);
    await page.getByLabel('Control conversion rate (%)').fill('3');
    await page.getByLabel('Smallest lift worth detecting (%)').fill('10');
    await page.getByRole('button', { name: 'Calculate' }).click();
    expect(await page.getByTestId('sample-size-answer').textContent()).toContain('you need 53,211 people per arm (106,422 for 2 arms)');
    await shot('experiments');
  });

  it('shows the report: per-arm n, rates, lift with its interval, p-value, sequential verdict, SRM and the chart', async () => {
    await page.getByRole('link', { name: EXPERIMENT }).click();
    await page.getByRole('heading', { name: new RegExp(EXPERIMENT) }).waitFor();
    const report = (await admin<{ arms: { arm: string; n: number; metrics: Record<string, { mean: number; pValue: number }> }[]; srm: { mismatch: boolean } }>(
      'GET',
      `/api/experiments/${encodeURIComponent(EXPERIMENT)}/report`,
    )).json;
    for (const arm of experiment.arms) {
      const n = [...armOf.values()].filter((a) => a === arm.name).length;
      const buyers = [...bought].filter((u) => armOf.get(u) === arm.name).length;
      expect(report.arms.find((a) => a.arm === arm.name)?.n).toBe(n);
      const row = page.getByTestId(`row-purchase-${arm.name}`);
      expect(await row.getByRole('cell').nth(0).textContent()).toBe(String(n));
      // the rate shown is the share of exposed people who bought, from the data sent
      expect(await row.getByRole('cell').nth(1).textContent()).toBe(`${((buyers / n) * 100).toFixed(2)}%`);
    }
    const treated = page.getByTestId('row-purchase-3 views');
    expect(await treated.textContent()).toMatch(/\+\d+%/);
    expect(await treated.textContent()).toContain('significant');
    expect(report.srm.mismatch).toBe(false);
    expect(await page.getByTestId('srm').textContent()).toMatch(/^Sample ratio: ok \(χ² [\d.]+, p = [\d.]+\)\.$/);
    expect(await page.getByRole('list', { name: 'Verdict' }).textContent()).toContain('3 views beats 2 views on purchase');
    const chart = page.getByTestId('arm-chart');
    await chart.locator('canvas').waitFor();
    expect(await chart.getAttribute('aria-label')).toBe(
      `Cumulative exposures per arm by day; now ${experiment.arms.map((a) => `${a.name} ${[...armOf.values()].filter((x) => x === a.name).length}`).join(', ')}`,
    );
    // one point per day of the week, per arm, in the legend's series
    expect(await page.locator('.u-legend .u-series').count()).toBe(1 + experiment.arms.length);
    await shot('experiment');
    await page.getByRole('button', { name: 'Conversion rate' }).click();
    await expect.poll(() => chart.getAttribute('aria-label')).toBe('Cumulative conversion rate of purchase per arm by day');
    await shot('experiment-rate');
    await page.locator('#panel-results-by-metric').evaluate((el) => el.scrollIntoView());
    await shot('experiment-metrics');
  });

  it('lists the workflow with entered, active and goal reached, and shows its flow with counts per step', async () => {
    await page.getByRole('link', { name: 'Workflows' }).click();
    const table = page.getByRole('table', { name: 'Workflows' });
    await table.getByRole('link', { name: WORKFLOW }).waitFor();
    await expect.poll(() => page.getByTestId(`entered-${WORKFLOW}`).textContent(), { timeout: 60_000 }).toBe('420');
    const stats = async () =>
      (
        await admin<{ versions: { version: number; entered: number; active: number; goalReached: number; atStep: Record<string, number>; exited: Record<string, number>; actions: { sent: number; failed: number }; steps: Record<string, { outcomes: Record<string, number> }> }[] }>(
          'GET',
          `/api/workflows/${encodeURIComponent(WORKFLOW)}/stats`,
        )
      ).json.versions;
    const versions = await stats();
    const sum = (f: (v: (typeof versions)[number]) => number): number => versions.reduce((s, v) => s + f(v), 0);
    expect(await page.getByTestId(`active-${WORKFLOW}`).textContent()).toBe(String(sum((v) => v.active)));
    expect(await page.getByTestId(`goal-${WORKFLOW}`).textContent()).toBe(String(sum((v) => v.goalReached)));
    // everyone who bought reached the goal (at the purchase, in the middle of the first wait)
    expect(sum((v) => v.goalReached)).toBe(bought.size);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('v2');
    await shot('workflows');

    await table.getByRole('link', { name: WORKFLOW }).click();
    await page.getByRole('heading', { name: new RegExp(WORKFLOW) }).waitFor();
    const v2 = versions.find((v) => v.version === 2)!;
    expect(v2.entered).toBe(4 * PEOPLE_PER_DAY);
    expect(v2.actions.failed).toBe(0);
    await expect.poll(() => page.getByTestId('wf-entered').textContent()).toBe(String(v2.entered));
    expect(await page.getByTestId('wf-active').textContent()).toBe(String(v2.active));
    for (const [step, n] of Object.entries(v2.atStep)) expect(await page.getByTestId(`here-${step}`).textContent()).toBe(`${n} here now`);
    const branch = v2.steps['is-pro']!.outcomes;
    expect((branch.then ?? 0) + (branch.else ?? 0)).toBeGreaterThan(0);
    expect(await page.locator('.branch-head').allTextContents()).toEqual([`then · ${branch.then ?? 0}`, `else · ${branch.else ?? 0}`]);
    expect(await page.getByTestId('counts-reminder').textContent()).toMatch(/performed \d+sent \d+/);
    const exits = page.getByRole('table', { name: 'Exits by cause' });
    expect(await exits.getByRole('row').filter({ hasText: 'Reached the goal' }).getByRole('cell').nth(1).textContent()).toBe(String(v2.exited.goal));
    await shot('workflow');

    // version 1: its own flow (wait-2d) and numbers; the failing customer's calls are counted as failed
    await page.getByLabel('Version', { exact: true }).selectOption('1');
    await page.getByText('Showing version 1').waitFor();
    await page.locator('[data-step="wait-2d"]').waitFor();
    const v1 = (await stats()).find((v) => v.version === 1)!;
    expect(await page.getByTestId('wf-entered').textContent()).toBe(String(3 * PEOPLE_PER_DAY));
    expect(await page.getByTestId('wf-actions').textContent()).toBe(`${v1.actions.sent} sent · 0 pending · ${v1.actions.failed} failed`);
    expect(v1.actions.failed).toBeGreaterThan(0);
    await shot('workflow-v1');
  });

  it("shows a person's run on the person page: each step's instant, the branch's values and the actions", async () => {
    const person = Array.from({ length: PEOPLE_PER_DAY }, (_, i) => `tour-d1-${i}`).find((u, i) => i % 4 === 0 && !bought.has(u) && i % 30 !== 7)!;
    await page.goto(`${server.url}/people/${person}`);
    await page.getByRole('heading', { name: person }).waitFor();
    const runs = page.getByRole('region', { name: 'Workflows' });
    const path = runs.getByRole('list', { name: 'Path' });
    await path.waitFor();
    const steps = await path.locator(':scope > li').allTextContents();
    const day1 = T0 + DAY;
    expect(steps[0]).toContain(`${iso(day1 + 9 * HOUR).slice(0, 19).replace('T', ' ')} UTC`);
    expect(steps.some((s) => s.startsWith(`${iso(day1 + DAY + 9 * HOUR).slice(0, 19).replace('T', ' ')} UTC is-pro then`))).toBe(true);
    expect(await path.getByRole('listitem').filter({ hasText: 'traits.plan = "pro"' }).first().textContent()).toContain('✓');
    expect(await runs.getByRole('heading', { level: 3 }).first().textContent()).toContain('Completed the last step');
    const actions = runs.getByRole('table');
    expect(await actions.getByRole('row').count()).toBe(4); // header + tag-pro, reminder-pro, last-call
    await runs.scrollIntoViewIfNeeded();
    await shot('person-workflow-runs');
  });

  it('pauses, resumes and archives the workflow, each after a confirmation', async () => {
    await page.getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('link', { name: WORKFLOW }).click();
    await page.getByRole('heading', { name: new RegExp(WORKFLOW) }).waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('Everyone holds at their step');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Pause workflow' }).click();
    await page.getByRole('heading', { name: `${WORKFLOW} paused` }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Resume workflow' }).click();
    await page.getByRole('heading', { name: `${WORKFLOW} active` }).waitFor();
    const before = await admin<{ versions: { active: number }[] }>('GET', `/api/workflows/${encodeURIComponent(WORKFLOW)}/stats`);
    const inside = before.json.versions.reduce((s, v) => s + v.active, 0);
    expect(inside).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('button', { name: 'Archive workflow' }).click();
    await page.getByRole('heading', { name: `${WORKFLOW} archived` }).waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await page.getByLabel('Version', { exact: true }).selectOption('2');
    await expect.poll(() => page.getByTestId('wf-active').textContent()).toBe('0');
    expect(await page.getByRole('table', { name: 'Exits by cause' }).textContent()).toContain('Workflow archived');
  });

  it('shows an unknown experiment and workflow as an error with its code, and stays readable at phone width', async () => {
    await page.goto(`${server.url}/experiments/nope`);
    await page.getByRole('alert').filter({ hasText: 'EXPERIMENT_NOT_FOUND' }).waitFor();
    browser.expectRefusal(404, '/api/experiments/nope/report');
    await page.goto(`${server.url}/workflows/nope`);
    await page.getByRole('alert').filter({ hasText: 'WORKFLOW_NOT_FOUND' }).waitFor();
    browser.expectRefusal(404, '/api/workflows/nope');
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.url}/experiments/${encodeURIComponent(EXPERIMENT)}`);
    await page.getByTestId('arm-chart').locator('canvas').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('experiment-phone');
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it('logged no console error on any page, and the receiver saw the workflow calls', () => {
    expect(received.some((r) => r.step === 'last-call')).toBe(true);
    expect(browser.consoleErrors).toEqual([]);
  });
});
