import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { startApp } from '../../src/app/index.js';
import { MembershipRepoSql } from '../../src/membership/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { launchBrowser } from '../../test/browser/support/chromium.js';
import { buildWebIfStale, webDist } from '../../web/build-web.js';
import { parseRule, toRuleJson } from '../../src/rules/index.js';
import { quantile } from '../support/stats.js';
import type { BenchRow, Workload } from '../workload.js';

const CHUNK = 10_000;
const ADMIN = 'sfa_bench_web_admin_key_0123456789';
const WRITE = 'sfw_bench_web_write_key_0123456789';

/**
 * Fills a fresh SQLite store with `profiles` people (userId + email) and 20 segments; "Half" holds every other
 * person, written through the membership writer (members + change log), so the size history and the member
 * list are as large as a real half-million segment's. Segments are inserted as rows (no events to backfill).
 */
async function seed(file: string, profiles: number): Promise<void> {
  const store = await openSqliteStore({ file });
  try {
    const now = Date.now();
    for (let from = 0; from < profiles; from += CHUNK) {
      const batch = Array.from({ length: Math.min(CHUNK, profiles - from) }, (_, i) => {
        const n = from + i;
        return { profileId: `prof_b${n}`, identities: [{ kind: 'user_id' as const, value: `user-${n}` }, { kind: 'email' as const, value: `user-${n}@example.com` }] };
      });
      await store.transaction((tx) => tx.profiles.createWithIdentities('ws_default', batch, now));
    }
    for (let s = 0; s < 20; s++) {
      const name = s === 0 ? 'Half' : `Segment ${s}`;
      const rule = s === 0 ? 'traits.half = true' : `performed("Event ${s}", within 7d)`;
      await store.sql.execute(
        `INSERT INTO segment_versions (segment_id, version, workspace_id, name, rule_text, rule_json, saved_at) VALUES ($1, 1, 'ws_default', $2, $3, $4, $5)`,
        [`seg_b${s}`, name, rule, JSON.stringify(toRuleJson(parseRule(rule))), now],
      );
      await store.sql.execute(
        `INSERT INTO segments (id, workspace_id, name, description, version, rule_text, rule_json, grp, priority, created_at, updated_at)
         VALUES ($1, 'ws_default', $2, '', 1, $3, $4, NULL, 0, $5, $5)`,
        [`seg_b${s}`, name, rule, JSON.stringify(toRuleJson(parseRule(rule))), now],
      );
    }
    const members = new MembershipRepoSql(store.sql);
    for (let from = 0; from < profiles; from += CHUNK * 2) {
      const writes = [];
      for (let n = from; n < Math.min(from + CHUNK * 2, profiles); n += 2) {
        writes.push({ workspaceId: 'ws_default', segmentId: 'seg_b0', segmentVersion: 1, profileId: `prof_b${n}`, kind: 'entered' as const, at: now, cause: { kind: 'backfill' as const } });
      }
      await members.record(writes, now);
    }
  } finally {
    await store.close();
  }
}

/** Gzip size of the shipped JavaScript and CSS. */
function shippedSizes(): { js: number; css: number } {
  let js = 0;
  let css = 0;
  for (const f of readdirSync(join(webDist, 'assets'))) {
    const size = gzipSync(readFileSync(join(webDist, 'assets', f)), { level: 9 }).length;
    if (f.endsWith('.js')) js += size;
    if (f.endsWith('.css')) css += size;
  }
  return { js, css };
}

/** Time to first render of the segments page and of a segment page in headless Chromium, and the bundle size. */
export const webRender: Workload = {
  name: 'web',
  description: 'web app: first render of the segments page and a segment page (headless Chromium, warm server), shipped JS size',
  async run({ quick }) {
    await buildWebIfStale();
    const sizes = shippedSizes();
    const profiles = quick ? 50_000 : 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-web-'));
    const file = join(dir, 'web.db');
    const rows: BenchRow[] = [
      { workload: 'web', metric: 'shipped JavaScript (gzip)', value: sizes.js / 1024, unit: 'KiB', target: '', note: 'every .js file in web/dist/assets, gzip -9' },
      { workload: 'web', metric: 'shipped CSS (gzip)', value: sizes.css / 1024, unit: 'KiB', target: '' },
    ];
    try {
      const seeded = performance.now();
      await seed(file, profiles);
      const seedSeconds = (performance.now() - seeded) / 1000;
      const app = await startApp(
        { port: 0, host: '127.0.0.1', storage: { kind: 'sqlite', file }, writeKey: WRITE, adminKey: ADMIN, logLevel: 'silent' },
        { logger: pino({ level: 'silent' }) },
      );
      const browser = await launchBrowser();
      try {
        const { page } = browser;
        await page.goto(`${app.url}/`);
        await page.getByLabel('Admin key').fill(ADMIN);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('table', { name: 'Segments' }).waitFor();
        // Let the size history fold the change log before measuring a warm server.
        await app.services.monitor?.sizeHistory.catchUp();
        const time = async (url: string, ready: () => Promise<void>): Promise<number> => {
          const started = performance.now();
          await page.goto(url);
          await ready();
          return performance.now() - started;
        };
        const reps = quick ? 3 : 7;
        const list: number[] = [];
        const one: number[] = [];
        for (let i = 0; i < reps; i++) {
          list.push(await time(`${app.url}/`, async () => {
            await page.getByTestId('size-Half').waitFor();
            await page.locator('td.spark svg polyline').first().waitFor();
          }));
          one.push(await time(`${app.url}/segments/Half`, async () => {
            await page.getByTestId('segment-size').waitFor();
            await page.getByRole('table', { name: 'Members' }).waitFor();
            await page.locator('.chart canvas').waitFor();
          }));
        }
        const note = `${profiles.toLocaleString('en-US')} profiles, 20 segments, "Half" with ${(profiles / 2).toLocaleString('en-US')} members; median of ${reps} navigations (seeded in ${seedSeconds.toFixed(0)} s)`;
        rows.push(
          { workload: 'web', metric: 'segments page: navigation to sizes and sparklines shown', value: quantile(list, 0.5), unit: 'ms', target: '', note },
          { workload: 'web', metric: 'segment page: navigation to size, chart and members shown', value: quantile(one, 0.5), unit: 'ms', target: '', note },
        );
      } finally {
        await browser.close();
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
