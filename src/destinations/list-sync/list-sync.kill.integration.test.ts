import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { openSqliteStore } from '../../store/index.js';
import type { DestinationInput } from '../destination-input.js';
import { DeliveryHarness, FakeKlaviyo, FakeMailchimp, FakeSendGrid, type FakeEspServer } from '../testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const LIST = '0b0d1f9e-7c47-4f2a-9f38-0a8f2d3c4b5e';

const cases: { kind: string; start: () => Promise<FakeEspServer>; input: (f: FakeEspServer) => Partial<DestinationInput>; members: (f: FakeEspServer) => string[] }[] = [
  {
    kind: 'sendgrid',
    start: () => FakeSendGrid.start(),
    input: (f) => ({ kind: 'sendgrid', apiKey: (f as FakeSendGrid).apiKey, list: LIST }),
    members: (f) => (f as FakeSendGrid).listMembers(LIST),
  },
  {
    kind: 'mailchimp',
    start: () => FakeMailchimp.start(),
    input: (f) => ({ kind: 'mailchimp', apiKey: (f as FakeMailchimp).apiKey, list: 'aud1', mapping: { VIP: 'vip' } }),
    members: (f) => (f as FakeMailchimp).tagged('aud1', 'vip'),
  },
  {
    kind: 'klaviyo',
    start: () => FakeKlaviyo.start(),
    input: (f) => ({ kind: 'klaviyo', apiKey: (f as FakeKlaviyo).apiKey, list: 'Y6nRLr' }),
    members: (f) => (f as FakeKlaviyo).listMembers('Y6nRLr'),
  },
];

for (const esp of cases) {
  it(`syncs a change to ${esp.kind} after the worker process is killed with SIGKILL between the change and the sync`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-esp-kill-'));
    const file = join(dir, 'segflow.db');
    const store = await openSqliteStore({ file });
    const clock = new FakeClock(Date.now());
    const h = await DeliveryHarness.create(store, { clock, connect: { polling: { sleep: async (ms) => clock.advance(ms), intervalMs: 1_000, maxPolls: 20 } } });
    const fake = await esp.start();
    try {
      const vip = h.segments.add(h.workspaceId, 'VIP');
      const dest = await h.destination({ name: esp.kind, url: undefined, segments: [vip.id], baseUrl: fake.origin, ...esp.input(fake) } as DestinationInput);
      await h.change({ segmentId: vip.id, profileId: await h.profile({ email: 'ann@example.com' }), kind: 'entered' });
      // The first request to the ESP never gets an answer: the worker dies with the sync in flight.
      fake.fail({ reply: { status: 0 } });

      const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../testing/worker-child.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await fake.waitForRequests(1);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(esp.members(fake)).toEqual([]);

      // The child's lease (system clock) runs out after 60 s; this worker then finds the delivery and syncs it.
      clock.advanceTo(Date.now() + 60_000);
      expect(await h.newWorker().tick()).toMatchObject({ created: 0, attempted: 1 });
      expect(esp.members(fake)).toEqual(['ann@example.com']);
      const listed = await h.service.deliveries(h.workspaceId, dest.id, { limit: 10 });
      expect(listed.ok && listed.value.map((d) => [d.kind, d.status, d.attemptLog.length])).toEqual([['entered', 'delivered', 1]]);
      fake.assertValid();
    } finally {
      await h.close();
      await fake.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
