/**
 * `segflow apply` of `*.schema.json` files beside segments, and `segflow check` warning about what the tracking
 * plan does not define (`--plan DIR`) and what has never been seen (`--server`), with the real CLI in a child
 * process against a real server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { type CliRun, runCli } from './testing-cli.js';

let t: TestApp;
let dir = '';

function segflow(args: string[]): Promise<CliRun> {
  return runCli(args, { env: { ...process.env, CI: '', SEGFLOW_URL: t.app.url, SEGFLOW_ADMIN_KEY: t.adminKey } });
}

async function plan(): Promise<{ schemas: { kind: string; event: string; mode: string }[] }> {
  const res = await fetch(`${t.app.url}/api/tracking-plan`, { headers: { authorization: t.adminAuth } });
  return (await res.json()) as { schemas: { kind: string; event: string; mode: string }[] };
}

const order = { event: 'Order Completed', mode: 'block', schema: { type: 'object', required: ['revenue'], properties: { revenue: { type: 'number' }, items: { type: 'array' } } } };

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  dir = await mkdtemp(join(tmpdir(), 'segflow-plan-'));
  await writeFile(join(dir, 'buyers.rule'), '# name: Buyers\nperformed("Order Completed", within 30d)\n');
  await writeFile(join(dir, 'order-completed.schema.json'), JSON.stringify(order, null, 2));
  await writeFile(join(dir, 'identify.schema.json'), JSON.stringify({ identify: true, schema: { type: 'object', properties: { plan: { type: 'string' } } } }));
});

afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('segflow apply with *.schema.json', () => {
  it('plans, applies the schemas beside the segments, and changes nothing the second time', async () => {
    const dry = await segflow(['apply', dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+ Order Completed [block] create');
    expect(dry.stdout).toContain('+ (identify traits) [flag] create');
    expect((await plan()).schemas).toEqual([]);

    const applied = await segflow(['apply', dir, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect((await plan()).schemas.map((s) => `${s.kind}:${s.event}:${s.mode}`)).toEqual(['identify::flag', 'track:Order Completed:block']);

    // Same content, formatted differently: unchanged.
    await writeFile(join(dir, 'order-completed.schema.json'), JSON.stringify(order));
    const again = await segflow(['apply', dir, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('= Order Completed [block] unchanged');
  });

  it('refuses an invalid schema file with the path of the problem and applies nothing', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'segflow-plan-bad-'));
    try {
      await writeFile(join(bad, 'x.schema.json'), JSON.stringify({ event: 'X', schema: { properties: { n: { type: 'integr' } } } }));
      const run = await segflow(['apply', bad, '--yes']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('x.schema.json: schema/properties/n/type');
      expect((await plan()).schemas.map((s) => s.event)).not.toContain('X');
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

describe('segflow check against the tracking plan', () => {
  it('warns when a rule reads an event or property the plan does not define (--plan DIR)', async () => {
    const rule = join(dir, 'check-me.rule');
    await writeFile(rule, 'sum("Order Completed".revnue, within 30d) > 10 and performed("Cart Viewed", within 7d) and traits.plan = "pro"\n');
    const run = await segflow(['check', rule, '--plan', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/RULE2010 warning: Unknown property revnue on "Order Completed"; the tracking plan does not define it\. Did you mean revenue\?/);
    expect(run.stdout).toMatch(/RULE2009 warning: Unknown event "Cart Viewed"; the tracking plan does not define it/);
    expect(run.stdout).not.toMatch(/Unknown trait/);
  });

  it('warns about the server\'s plan and about names never seen in the data (--server)', async () => {
    const res = await fetch(`${t.app.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: t.writeAuth },
      body: JSON.stringify({ userId: 'u1', event: 'Order Completed', properties: { revenue: 5 } }),
    });
    expect(res.status).toBe(200);
    await t.app.services.monitor!.idle();
    const rule = join(dir, 'check-server.rule');
    await writeFile(rule, 'count("Order Completed" where coupon = "X", within 30d) >= 1\n');
    const run = await segflow(['check', rule, '--server', '--json']);
    expect(run.code).toBe(0);
    const messages = (JSON.parse(run.stdout) as { code: string; message: string }[]).map((d) => `${d.code} ${d.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^RULE2010 Unknown property coupon on "Order Completed"; it has never been seen/),
        expect.stringMatching(/^RULE2010 Unknown property coupon on "Order Completed"; the tracking plan does not define it/),
      ]),
    );
  });
});
