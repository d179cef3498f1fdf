import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer, waitForEngine } from '../../api/routes/segments-test-server.js';
import { AdminClient } from '../admin-client.js';
import { applyPlan, computePlan, readSegmentDir } from './apply.js';
import { type CliRun, runCli } from './testing-cli.js';

let server: TestServer;
let dir = '';

/** Runs the real CLI in a child process (the server keeps serving in this one). */
function segflow(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { env: { ...process.env, CI: '', SEGFLOW_URL: server.url, SEGFLOW_ADMIN_KEY: server.adminKey, ...env } });
}

async function track(userId: string, event: string, properties: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${server.url}/v1/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ userId, event, properties, timestamp: new Date().toISOString() }),
  });
  expect(res.status).toBe(200);
}

async function segmentNames(): Promise<string[]> {
  const res = await fetch(`${server.url}/api/segments`, { headers: { authorization: `Bearer ${server.adminKey}` } });
  return ((await res.json()) as { segments: { name: string }[] }).segments.map((s) => s.name).sort();
}

beforeAll(async () => {
  server = await startTestServer();
  await track('ann', 'Order Completed', { revenue: 1200 });
  await track('ben', 'Order Completed', { revenue: 30 });
  await track('cat', 'Email Opened');
  await waitForEngine(server, 'performed("Order Completed", within 7d) or performed("Email Opened", within 7d)', 3);
  dir = await mkdtemp(join(tmpdir(), 'segflow-apply-it-'));
  // The VIP file sorts before the segment it references: apply must order them itself.
  await writeFile(join(dir, 'a-vip-openers.rule'), '# name: VIP openers\nin_segment("Big spenders") and performed("Email Opened", within 7d)\n');
  await writeFile(join(dir, 'big-spenders.rule'), '# name: Big spenders\n# description: 1,000 or more this year\nsum("Order Completed".revenue, within 365d) >= 1000\n');
  await writeFile(join(dir, 'buyers.json'), JSON.stringify({ name: 'Buyers', rule: 'performed("Order Completed", within 30d)', group: 'lifecycle', priority: 1 }));
  // The canonical JSON form: compared with the server's canonical text, so a second run sees no change.
  const openers = { kind: 'performed', event: { kind: 'event', name: 'Email Opened' }, window: { kind: 'within', duration: { amount: 7, unit: 'd' } } };
  await writeFile(join(dir, 'openers.json'), JSON.stringify({ name: 'Openers', rule: { version: 1, condition: openers } }));
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('segflow apply', () => {
  it('prints the plan with the entering counts and changes nothing with --dry-run', async () => {
    const run = await segflow(['apply', dir, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\+ create\s+Big spenders\s+\+1 entering/);
    expect(run.stdout).toMatch(/\+ create\s+Buyers\s+\+2 entering/);
    expect(run.stdout).toMatch(/\+ create\s+Openers\s+\+1 entering/);
    expect(run.stdout).toContain('Plan: 4 to create, 0 to update, 0 to delete, 0 unchanged.');
    expect(await segmentNames()).toEqual([]);
  });

  it('refuses to apply without --yes when nobody can confirm', async () => {
    const run = await segflow(['apply', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(await segmentNames()).toEqual([]);
  });

  it('applies the plan, creating a referenced segment before the one that references it', async () => {
    const run = await segflow(['apply', dir, '--yes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await segmentNames()).toEqual(['Big spenders', 'Buyers', 'Openers', 'VIP openers']);
    // apply saved with ?wait=false and then waited for the backfills itself: all are done when it returns.
    const res = await fetch(`${server.url}/api/segments/Big%20spenders`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    const { segment } = (await res.json()) as { segment: { size: number; backfill: { state: string; done: number; total: number } } };
    expect(segment.backfill.state).toBe('done');
    expect(segment.backfill.done).toBe(segment.backfill.total);
    expect(segment.size).toBe(1);
  });

  it('changes nothing on a second run', async () => {
    const run = await segflow(['apply', dir, '--yes', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { applied: boolean; plan: { action: string }[] };
    expect(out.applied).toBe(false);
    expect(out.plan.map((s) => s.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('updates a changed rule as a new version, showing its diff', async () => {
    await writeFile(join(dir, 'big-spenders.rule'), '# name: Big spenders\n# description: 1,000 or more this year\nsum("Order Completed".revenue, within 365d) >= 10\n');
    const run = await segflow(['apply', dir, '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/~ update\s+Big spenders\s+rule changed: \+1 \/ −0/);
    expect(run.stdout).toContain('saved as version 2');
  });

  it('deletes segments that have no file only with --prune', async () => {
    await unlink(join(dir, 'buyers.json'));
    const without = await segflow(['apply', dir, '--yes']);
    expect(without.code).toBe(0);
    expect(await segmentNames()).toContain('Buyers');
    const pruned = await segflow(['apply', dir, '--yes', '--prune']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/- delete\s+Buyers\s+−2 exiting/);
    expect(await segmentNames()).toEqual(['Big spenders', 'Openers', 'VIP openers']);
  });

  it('reports an invalid rule at its line and column in the file and applies nothing', async () => {
    await writeFile(join(dir, 'broken.rule'), '# name: Broken\n\nperformed("Email Opened", within 7x)\n');
    const run = await segflow(['apply', dir, '--yes']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/broken\.rule:3:\d+ RULE\d{4}/);
    expect(await segmentNames()).toEqual(['Big spenders', 'Openers', 'VIP openers']);
    await unlink(join(dir, 'broken.rule'));
  });

  it('exits 2 for a directory that does not exist', async () => {
    const run = await segflow(['apply', join(dir, 'missing')]);
    expect(run.code).toBe(2);
  });

  it('lists segments with their sizes and explains one person', async () => {
    const list = await segflow(['segments']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Big spenders\s+2\s+v2/);
    const why = await segflow(['explain', 'Big spenders', 'ann']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('ann IS in "Big spenders"');
    expect(why.stdout).toContain('✓ sum("Order Completed".revenue, within 365d)');
  });
});

describe('segflow apply checks the plan as a whole and applies it all or nothing', () => {
  async function freshDir(files: Record<string, string>): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'segflow-apply-plan-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
    return d;
  }

  it('refuses in --dry-run a rule that references a segment neither on the server nor in the plan', async () => {
    const d = await freshDir({
      'fresh.rule': '# name: Fresh\nperformed("Email Opened", within 1d)\n',
      'dangling.rule': '# name: Dangling\nin_segment("Big spender") and performed("Email Opened", within 7d)\n',
    });
    const before = await segmentNames();
    const run = await segflow(['apply', d, '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/dangling\.rule:2:\d+ RULE2005 Unknown segment "Big spender"\. Did you mean "Big spenders"\?/);
    expect(await segmentNames()).toEqual(before);
    await rm(d, { recursive: true, force: true });
  });

  it('refuses a plan whose --prune deletes a segment that a kept segment references', async () => {
    const d = await freshDir({ 'vip.rule': '# name: VIP openers\nin_segment("Big spenders") and performed("Email Opened", within 7d)\n' });
    const before = await segmentNames();
    const run = await segflow(['apply', d, '--dry-run', '--prune']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('RULE2005 Unknown segment "Big spenders"');
    expect(await segmentNames()).toEqual(before);
    await rm(d, { recursive: true, force: true });
  });

  it('undoes the changes already made when the server refuses a later step', async () => {
    const d = await freshDir({
      'a.rule': '# name: Zeta base\nperformed("Email Opened", within 2d)\n',
      'b.rule': '# name: Alpha on top\nin_segment("Zeta base")\n',
    });
    const client = new AdminClient({ url: server.url, key: server.adminKey });
    const read = await readSegmentDir(d);
    if (!read.ok) throw new Error(read.errors.join('\n'));
    const plan = await computePlan(client, read.specs, false);
    if (!plan.ok) throw new Error(plan.problem.detail);
    expect(plan.order).toEqual(['Zeta base', 'Alpha on top']);
    // Someone else takes the second name between the plan and the apply.
    expect((await client.createSegment({ name: 'Alpha on top', rule: 'subscribed' })).ok).toBe(true);
    const results = await applyPlan(client, plan.steps, read.specs, plan.current, plan.order);
    expect(results).toMatchObject([
      { name: 'Zeta base', ok: true, rolledBack: true },
      { name: 'Alpha on top', ok: false },
    ]);
    const names = await segmentNames();
    expect(names).not.toContain('Zeta base');
    expect(names).toContain('Alpha on top');
    expect((await client.deleteSegment('Alpha on top')).ok).toBe(true);
    await rm(d, { recursive: true, force: true });
  });
});

describe('CLI wording', () => {
  it('explains a merged-away identifier, saying which profile it now resolves to', async () => {
    await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}` },
      body: JSON.stringify({
        batch: [
          { type: 'track', anonymousId: 'anon-ann', event: 'Page Viewed' },
          { type: 'identify', userId: 'ann', anonymousId: 'anon-ann' },
        ],
      }),
    });
    const why = await segflow(['explain', 'Big spenders', 'anon-ann']);
    expect(why.code).toBe(0);
    const annProfile = JSON.parse((await segflow(['explain', 'Big spenders', 'ann', '--json'])).stdout).profileId as string;
    expect(why.stdout).toContain(`anon-ann resolves to profile ${annProfile}`);
    expect(why.stdout).toContain('anon-ann IS in "Big spenders"');
  });

  it('suggests the nearest segment name for an unknown one', async () => {
    const why = await segflow(['explain', 'big spender', 'ann']);
    expect(why.code).toBe(1);
    expect(why.stderr).toContain('did you mean "Big spenders"?');
  });

  it('asks for --key or SEGFLOW_ADMIN_KEY rather than a Bearer header', async () => {
    const run = await segflow(['segments'], { SEGFLOW_ADMIN_KEY: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--key');
    expect(run.stderr).toContain('SEGFLOW_ADMIN_KEY');
    expect(run.stderr).not.toContain('Bearer');
  });

  it('prints warning RULE3008 for a segment that reads further back than the workspace keeps events', async () => {
    const admin = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/api/privacy/retention`, { method: 'PUT', headers: admin, body: JSON.stringify({ eventsDays: 180 }) })).status).toBe(200);
    try {
      const d = await mkdtemp(join(tmpdir(), 'segflow-apply-retention-'));
      await writeFile(join(d, 'yearly.rule'), '# name: Yearly buyers\nperformed("Order Completed", within 365d)\n');
      const run = await segflow(['apply', d, '--dry-run']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('yearly.rule RULE3008 This rule reads further back than the workspace keeps events: a window of 365d reaches past the 180-day event retention.');
      await rm(d, { recursive: true, force: true });
    } finally {
      await fetch(`${server.url}/api/privacy/retention`, { method: 'DELETE', headers: { authorization: `Bearer ${server.adminKey}` } });
    }
  });
});

