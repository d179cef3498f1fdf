import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { openSqliteStore } from '../store/index.js';
import { DeliveryHarness } from './testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));

it('delivers once, with the same webhook-id, after the worker process is killed with SIGKILL mid-delivery', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-kill-'));
  const file = join(dir, 'segflow.db');
  const store = await openSqliteStore({ file });
  const h = await DeliveryHarness.create(store);
  try {
    const segment = h.segments.add(h.workspaceId, 'VIP');
    const dest = await h.destination({ segments: [segment.id] });
    const seq = await h.change({ segmentId: segment.id, profileId: await h.profile({ email: 'a@example.com' }), kind: 'entered' });
    h.receiver.reply({ kind: 'hang' });

    // `node --import tsx` runs the worker in THIS child process; `tsx/cli` would fork a grandchild that SIGKILL
    // would not reach, leaving a live worker behind.
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'testing/worker-child.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await h.receiver.waitForRequests(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // The restarted worker (here, in this process) finds the delivery row the dead one created and sends it.
    // The child stamped that row with the system clock; bring this test's fake clock up to it.
    // The child stamped its lease with the system clock too; the new worker takes over when it runs out (60 s).
    (h.clock as FakeClock).advanceTo(Date.now() + 60_000);
    expect(await h.newWorker().tick()).toEqual({ created: 0, attempted: 1 });
    expect(await h.newWorker().tick()).toEqual({ created: 0, attempted: 0 });
    const id = `msg_${seq}_0_${dest.id}`;
    expect(h.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([id, id]);
    const listed = await h.service.deliveries(h.workspaceId, dest.id, { limit: 10 });
    expect(listed.ok && listed.value.map((d) => [d.id, d.status, d.attemptLog.length])).toEqual([[id, 'delivered', 1]]);
  } finally {
    await h.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
