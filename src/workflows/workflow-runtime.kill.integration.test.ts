import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeClock, type NewEvent } from '../core/index.js';
import { SqlChangeLog } from '../membership/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { createTestPostgresStore, testStoreKinds, type StoreKind } from '../store/testing/index.js';
import { WorkflowRuntime } from './workflow-runtime.js';
import { WorkflowService } from './workflow-service.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const T0 = Date.UTC(2026, 0, 1);
const END = T0 + 10 * 60_000;
const WS = 'ws_default';
const noSegments = { list: () => Promise.resolve([]) };

/** 300 people start a 3-reminder series within the first minute, so that entries, due waits and sends mix. */
async function prepare(store: Store): Promise<void> {
  const service = new WorkflowService({ store, clock: new FakeClock(T0 - 1_000), segments: noSegments });
  const saved = await service.save(WS, {
    name: 'burst',
    trigger: { event: 'Start' },
    steps: [
      { id: 'w1', wait: '1m' },
      { id: 'r1', webhook: 'x' },
      { id: 'w2', wait: '2m' },
      { id: 'r2', webhook: 'x' },
      { id: 'w3', wait: '3m' },
      { id: 'r3', webhook: 'x' },
    ],
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.error));
  const runtime = new WorkflowRuntime({ store, clock: new FakeClock(T0), changeLog: new SqlChangeLog(store.sql), segments: noSegments, ports: { webhook: () => Promise.resolve({ ok: true }), setTraits: () => Promise.resolve({ ok: true }) } });
  await runtime.start();
  await runtime.stop();
  const events: NewEvent[] = Array.from({ length: 300 }, (_, i) => ({
    workspaceId: WS,
    messageId: `m${i}`,
    profileId: `p${i}`,
    type: 'track' as const,
    name: 'Start',
    userId: null,
    anonymousId: `p${i}`,
    timestamp: T0 + ((i * 7919) % 60_000),
    receivedAt: T0,
    properties: {},
    traits: {},
    context: {},
  }));
  await store.transaction((tx) => tx.events.append(events));
}

/** Runs the runtime here from `from` to END in 10 s steps, collecting `id profile step due` of every send. */
async function runToEnd(store: Store, from: number, sent: string[]): Promise<void> {
  const clock = new FakeClock(from);
  const runtime = new WorkflowRuntime({
    store,
    clock,
    changeLog: new SqlChangeLog(store.sql),
    segments: noSegments,
    ports: {
      webhook: (_ws, _d, m) => {
        sent.push(`${m.id} ${m.payload.data.profile.id} ${m.payload.data.step.id} ${m.payload.data.at}`);
        return Promise.resolve({ ok: true });
      },
      setTraits: () => Promise.resolve({ ok: true }),
    },
  });
  while (clock.now() < END) {
    clock.advance(10_000);
    for (;;) {
      const pass = await runtime.pass();
      if (pass.changes + pass.events + pass.timers + pass.sent === 0) break;
    }
  }
}

const actionKey = (line: string): string => line.split(' ').slice(1).join(' ');

/** A store for the crash test, the argument that lets the child open the same one, and how to throw it away. */
async function crashStore(kind: StoreKind, dir: string, name: string): Promise<{ store: Store; target: string; dispose(): Promise<void> }> {
  if (kind === 'sqlite') {
    const file = join(dir, `${name}.db`);
    const store = await openSqliteStore({ file });
    return { store, target: `sqlite:${file}`, dispose: () => store.close() };
  }
  const made = await createTestPostgresStore();
  const schema = (await made.store.sql.query<{ s: string }>('SELECT current_schema() AS s'))[0]?.s ?? '';
  return { store: made.store, target: `postgres:${schema}`, dispose: () => made.dispose() };
}

describe.each(testStoreKinds())('the workflow runtime under SIGKILL (%s)', (kind) => {
  it('loses no step and doubles no action when the runtime is killed with SIGKILL during a burst of due waits and sends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-workflow-kill-'));
    const opened: { dispose(): Promise<void> }[] = [];
    try {
      const cleanStore = await crashStore(kind, dir, 'clean');
      opened.push(cleanStore);
      const clean = cleanStore.store;
      await prepare(clean);
      const cleanSent: string[] = [];
      await runToEnd(clean, T0, cleanSent);
      const expected = new Set(cleanSent.map(actionKey));
      expect(expected.size).toBe(900);

      const crash = await crashStore(kind, dir, 'crash');
      opened.push(crash);
      const store = crash.store;
      await prepare(store);
      const child = spawn(process.execPath, ['--import', tsx, join(here, 'testing/workflow-child.ts'), crash.target, String(T0), String(END)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const received: string[] = [];
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const l of lines) if (l.startsWith('sent ')) received.push(l.slice(5));
        if (received.length >= 400) child.kill('SIGKILL');
      });
      expect(await exited).toBe('SIGKILL');
      const atKill = received.length;
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(900);
      // Restart where the dead process stood (its clock had reached at most END).
      await runToEnd(store, T0, received);
      const pending = await store.sql.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM workflow_actions WHERE status <> 'sent'");
      const active = await store.sql.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM workflow_runs WHERE status = 'active'");
      // Downstream deduplicates by idempotency id: each id is one action; none missing, none extra, one id per action.
      const byId = new Map(received.map((l) => [l.split(' ')[0] as string, actionKey(l)]));
      const delivered = new Set(byId.values());
      expect([...expected].filter((k) => !delivered.has(k))).toEqual([]);
      expect([...delivered].filter((k) => !expected.has(k))).toEqual([]);
      expect(byId.size).toBe(expected.size);
      expect(Number(pending[0]?.n)).toBe(0);
      expect(Number(active[0]?.n)).toBe(0);
    } finally {
      for (const s of opened) await s.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
