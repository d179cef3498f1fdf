import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import type { MembershipChange, NewEvent } from '../core/index.js';
import { SqlChangeLog } from '../membership/index.js';
import { openSqliteStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { Engine } from './engine.js';
import { EngineHarness, TEST_WORKSPACE } from './testing/engine-harness.js';

const here = dirname(fileURLToPath(import.meta.url));
// The child runs in node itself with tsx as a loader (not through the tsx CLI, which would leave the real process
// running when its wrapper is killed).
const tsx = createRequire(import.meta.url).resolve('tsx');
const T0 = Date.UTC(2026, 0, 1);
const END = T0 + 60_000;

/** A burst: 300 profiles, events over the last minute, so that entries, exits and many due timers mix. */
function burst(): NewEvent[] {
  const names = ['Email Opened', 'Product Viewed', 'Product Added', 'Order Completed'];
  return Array.from({ length: 3000 }, (_, i) => ({
    workspaceId: TEST_WORKSPACE,
    messageId: `m${i}`,
    profileId: `p${(i * 7919) % 300}`,
    type: 'track' as const,
    name: names[(i * 31) % names.length] as string,
    userId: null,
    anonymousId: null,
    timestamp: T0 - 60_000 + ((i * 104_729) % 60_000),
    receivedAt: T0,
    properties: {},
    traits: {},
    context: {},
  }));
}

async function prepare(store: Store): Promise<void> {
  const h = new EngineHarness(store, new FakeClock(T0));
  await h.segment('recent', 'performed("Email Opened", within 30s)');
  await h.segment('viewers', 'count("Product Viewed", within 45s) >= 3');
  await h.segment('carts', '"Product Added" then not "Order Completed" within 20s');
  await store.events.append(burst());
}

/** Runs an engine in this process from T0 to END in 100 ms steps, as the child does. */
async function runToEnd(store: Store): Promise<void> {
  const clock = new FakeClock(T0);
  // No lease: both fake clocks start at T0, so the killed child's lease would never expire for this run (lease
  // takeover after kill -9 is engine-lease.kill.integration.test.ts's subject).
  const engine = new Engine({ store, clock, changeLog: new SqlChangeLog(store.sql), batchSize: 50, tailIntervalMs: 0, lease: false });
  await engine.start();
  while (clock.now() < END) {
    clock.advance(100);
    engine.wake();
    await engine.idle();
  }
  await engine.stop();
}

const key = (c: MembershipChange): string => `${c.segmentId} ${c.profileId} ${c.kind} ${c.at} ${c.cause.kind}`;

it('loses and doubles no change when the engine is killed with SIGKILL during a burst of events and due timers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-engine-kill-'));
  try {
    // The run that is not interrupted.
    const clean = await openSqliteStore({ file: join(dir, 'clean.db') });
    await prepare(clean);
    await runToEnd(clean);
    const expected = (await new SqlChangeLog(clean.sql).read(0, 100_000)).map(key);
    await clean.close();
    expect(expected.length).toBeGreaterThan(100);

    // The same log, with the engine killed mid-way in a child process, then restarted here.
    const file = join(dir, 'crash.db');
    const store = await openSqliteStore({ file });
    await prepare(store);
    const child = spawn(process.execPath, ['--import', tsx, join(here, 'testing/engine-child.ts'), file, String(T0), String(END)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const seqs = [...buffer.matchAll(/changes (\d+)/g)].map((m) => Number(m[1]));
      if (seqs.some((s) => s >= expected.length / 3)) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    const atKill = (await new SqlChangeLog(store.sql).read(0, 100_000)).length;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(expected.length);
    await runToEnd(store);
    const got = (await new SqlChangeLog(store.sql).read(0, 100_000)).map(key);
    await store.close();
    const count = (xs: string[]) => xs.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
    const [g, e] = [count(got), count(expected)];
    const extra = [...g].filter(([k, n]) => n > (e.get(k) ?? 0)).map(([k]) => k);
    const missing = [...e].filter(([k, n]) => n > (g.get(k) ?? 0)).map(([k]) => k);
    expect({ extra: extra.slice(0, 8), missing: missing.slice(0, 8) }).toEqual({ extra: [], missing: [] });
    expect(got.sort()).toEqual([...expected].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
