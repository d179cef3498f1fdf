import { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installErrorHandler } from '../../api/error-handler.js';
import { destinationRoutes } from '../../api/routes/destinations.js';
import { DeliveryHarness } from '../../destinations/testing/index.js';
import type { Store } from '../../store/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import { register } from './destinations.js';

describe('segflow destinations', () => {
  let store: Store;
  let h: DeliveryHarness;
  let server: FastifyInstance;
  let base = '';

  beforeEach(async () => {
    store = await createTestSqliteStore();
    h = await DeliveryHarness.create(store);
    server = Fastify();
    installErrorHandler(server);
    await server.register(destinationRoutes, { destinations: h.service, workspaceOf: () => h.workspaceId });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
    process.exitCode = undefined;
  });
  afterEach(async () => {
    await server.close();
    await h.close();
    await store.close();
    process.exitCode = undefined;
  });

  async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
    const program = new Command('segflow').exitOverride();
    register(program);
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
    try {
      await program.parseAsync(['node', 'segflow', 'destinations', ...args, '--url', base, '--key', 'k']);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return { out, err, code };
  }

  it('adds a destination and prints its secret, then lists, disables and re-enables it', async () => {
    const added = await cli('add', '--name', 'CRM', '--webhook', `${h.receiver.origin}/hook`, '--email-targeting');
    expect(added.code).toBe(0);
    const id = /Created (dst_\S+)/.exec(added.out)?.[1];
    expect(added.out).toMatch(/Signing secret \(shown only now\): whsec_/);
    const listed = await cli('list');
    expect(listed.out).toContain(id);
    expect(listed.out).toContain('enabled');
    expect((await cli('disable', id ?? '')).out).toBe(`${id} is disabled.\n`);
    expect((await cli('enable', id ?? '')).out).toBe(`${id} is enabled.\n`);
  });

  it('reports a forbidden URL with the problem code and exit code 1', async () => {
    const res = await cli('add', '--name', 'bad', '--webhook', 'http://169.254.169.254/latest');
    expect(res.code).toBe(1);
    expect(res.err).toContain('DESTINATION_URL_FORBIDDEN');
  });

  it('lists deliveries and replays one and a range', async () => {
    const seg = h.segments.add(h.workspaceId, 'VIP');
    const { id } = await h.destination();
    const seq = await h.change({ segmentId: seg.id, profileId: await h.profile(), kind: 'entered' });
    await h.worker.tick();
    const json = await cli('deliveries', id, '--json');
    const deliveries = (JSON.parse(json.out) as { deliveries: { id: string; status: string }[] }).deliveries;
    expect(deliveries.map((d) => d.status)).toEqual(['delivered']);
    expect((await cli('deliveries', id)).out).toContain('delivered');
    expect((await cli('replay', id, '--delivery', deliveries[0]?.id ?? '')).out).toBe('Replaying 1 delivery.\n');
    expect((await cli('replay', id, '--from', String(seq), '--to', String(seq))).out).toBe('Replaying 1 deliveries.\n');
    expect((await cli('replay', id)).code).toBe(2);
  });
});
